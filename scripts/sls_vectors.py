#!/usr/bin/env python3
"""Regenerate tests/fixtures/sls-getlogs-aliyun-log-sdk.json: Simple Log Service GetLogs
requests as Alibaba's own log SDK (aliyun-log-python-sdk, LogClient.get_log, signature
version 1: `LOG AK:base64(hmac-sha1)`) builds and signs them at a fixed instant, captured before
they would be sent. The test matches_what_the_log_sdk_sends (src/signing/sls.rs) checks that
fcall signs each one byte for byte.

    python3 -m venv /tmp/sls && /tmp/sls/bin/pip install aliyun-log-python-sdk
    /tmp/sls/bin/python scripts/sls_vectors.py > tests/fixtures/sls-getlogs-aliyun-log-sdk.json
"""
import datetime
import importlib.metadata
import json
import sys
from unittest import mock

import aliyun.log
import aliyun.log.auth
from aliyun.log import LogClient

INSTANT = datetime.datetime(2024, 1, 2, 3, 4, 5)

# (name, endpoint, project, logstore, from, to, query, offset, line, security token)
CASES = [
    ("a request's lines by its id", "cn-hangzhou.log.aliyuncs.com", "fc-logs", "function-logs",
     1704164585, 1704251045, '"c1a3b5d7-0000-4000-8000-000000000001"', 0, 100, None),
    ("the function's lines, second page, STS token", "cn-hangzhou.log.aliyuncs.com", "fc-logs",
     "function-logs", 1704164645, 1704164700, 'functionName: "long-log" and serviceName: "svc"', 100, 100,
     "sts-token/with+chars="),
    ("no query, another region", "ap-southeast-1.log.aliyuncs.com", "my-proj", "my-store",
     1704160000, 1704164645, None, 0, 100, None),
    ("non-ASCII text in the query", "cn-hangzhou.log.aliyuncs.com", "fc-logs", "function-logs",
     1704160000, 1704164645, '"第007行 ✓"', 0, 100, None),
]


class Frozen(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return INSTANT


def capture(name, endpoint, project, logstore, frm, to, query, offset, line, token):
    client = LogClient(endpoint, "AKIDTEST", "testsecret", securityToken=token)
    client._get_logs_v2_enabled = False
    seen = {}

    def fake(method, url, params, body, headers):
        seen.update(method=method, url=url, params=dict(params or {}), headers=dict(headers))
        return 200, b"[]", {"x-log-progress": "Complete", "x-log-count": "0"}

    with mock.patch.object(aliyun.log.auth, "datetime", Frozen), \
            mock.patch.object(client, "_getHttpResponse", side_effect=fake):
        client.get_log(project, logstore, frm, to, query=query, offset=offset, size=line)
    headers = {k: v for k, v in seen["headers"].items() if k != "User-Agent"}
    return {
        "name": name,
        "endpoint": endpoint,
        "project": project,
        "logstore": logstore,
        "from": frm,
        "to": to,
        "query": query,
        "offset": offset,
        "line": line,
        "security_token": token,
        "method": seen["method"],
        "url": seen["url"],
        "params": [[k, str(v)] for k, v in seen["params"].items()],
        "headers": headers,
    }


json.dump(
    {"aliyun-log-python-sdk": importlib.metadata.version("aliyun-log-python-sdk"),
     "key": ["AKIDTEST", "testsecret"], "instant": INSTANT.isoformat() + "Z",
     "cases": [capture(*c) for c in CASES]},
    sys.stdout,
    indent=1,
    ensure_ascii=False,
)
print()
