"""Schemathesis hooks of ContractTests (Tests/EndToEndTests/ContractTests.swift).

About half of the generated requests (chosen by a hash of the case, so a seeded run repeats itself) are
pointed at the real project, dev server and webhook secret the test set up; the rest keep their drawn
values. Exec requests are bounded so that no generated command can hang the run or flood it with output.
"""
import os
import zlib

import schemathesis

REAL = {
    "workspace": os.environ["VIBN_CONTRACT_WORKSPACE"],
    "project": os.environ["VIBN_CONTRACT_PROJECT"],
    "id": os.environ["VIBN_CONTRACT_DEV_SERVER"],
    "secret": os.environ["VIBN_CONTRACT_WEBHOOK_SECRET"],
}
# At most this long and this much output per generated exec (the schema allows 30 minutes and more).
EXEC_TIMEOUT_MS = 2000
EXEC_MAX_BYTES = 65536


def _pick(case) -> bool:
    """A stable coin flip per case."""
    key = repr((case.method, case.operation.path, case.path_parameters, case.query, case.body))
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % 2 == 0


def _integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _bounded(body):
    """An exec body whose valid timeoutMs/maxBytes are capped (out-of-range ones are left for the server to reject)."""
    if not isinstance(body, dict):
        return body
    body = dict(body)
    timeout = body.get("timeoutMs", EXEC_TIMEOUT_MS)
    if _integer(timeout) and EXEC_TIMEOUT_MS <= timeout <= 1_800_000:
        body["timeoutMs"] = EXEC_TIMEOUT_MS
    size = body.get("maxBytes")
    if _integer(size) and EXEC_MAX_BYTES < size <= 1 << 20:
        body["maxBytes"] = EXEC_MAX_BYTES
    return body


@schemathesis.hook
def map_case(ctx, case):
    if case.path_parameters and _pick(case):
        case.path_parameters = {
            name: REAL.get(name, value) for name, value in case.path_parameters.items()
        }
    if case.operation.path.endswith("/exec") and case.method.upper() == "POST":
        bounded = _bounded(case.body)
        if bounded != case.body:
            case.body = bounded
    return case
