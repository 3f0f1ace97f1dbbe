// Compose documents from templates/ and Traefik dynamic configuration. Filled in by the preview-routing work.
