#!/usr/bin/env python3
"""Regenerate tests/fixtures/lts-huaweicloud-sdk.json: the requests fcall sends to read a
FunctionGraph function's log from LTS (ListLogs, POST .../content/query) and to find its log
group and stream (FunctionGraph ShowFunctionConfig), as Huawei Cloud's Python SDK
(huaweicloudsdkcore's SDK-HMAC-SHA256 signer, huaweicloudsdklts, huaweicloudsdkfunctiongraph)
builds and signs them at a fixed instant, captured before they would be sent. The test
matches_what_the_huawei_sdk_sends (src/providers/huawei_logs.rs) checks that fcall builds and
signs each one byte for byte.

    python3 -m venv /tmp/hw && /tmp/hw/bin/pip install huaweicloudsdklts huaweicloudsdkfunctiongraph
    /tmp/hw/bin/python scripts/huawei_lts_vectors.py > tests/fixtures/lts-huaweicloud-sdk.json
"""
import datetime
import importlib.metadata
import json
import sys
from unittest import mock

import huaweicloudsdkcore
import huaweicloudsdkcore.signer.signer as signer
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkfunctiongraph.v2 import FunctionGraphClient, ShowFunctionConfigRequest
from huaweicloudsdklts.v2 import ListLogsRequest, LtsClient, QueryLtsLogParams

INSTANT = datetime.datetime(2024, 1, 2, 3, 4, 5)
PROJECT = "0123456789abcdef0123456789abcdef"
GROUP = "b6e8f0a1-0000-4000-8000-00000000000a"
STREAM = "c7f9a1b2-0000-4000-8000-00000000000b"


class Frozen(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return INSTANT


class Captured(Exception):
    pass


def capture(client_class, endpoint, call, token):
    creds = BasicCredentials("AKIDTEST", "testsecret", PROJECT)
    if token:
        creds = creds.with_security_token(token)
    client = client_class.new_builder().with_credentials(creds).with_endpoints([endpoint]).build()
    seen = {}

    def grab(request):
        seen["request"] = request
        raise Captured()

    with mock.patch.object(signer, "datetime", Frozen), \
            mock.patch.object(client, "_do_http_request_sync", side_effect=grab):
        try:
            call(client)
        except Captured:
            pass
    r = seen["request"]
    body = r.body or b""
    if isinstance(body, str):
        body = body.encode()
    headers = dict(r.header_params)  # User-Agent too: this SDK signs it
    return {"method": r.method, "url": r.url, "body": body.decode(), "headers": headers}


def lts_case(name, params, token=None):
    body = QueryLtsLogParams(**params)
    req = ListLogsRequest(log_group_id=GROUP, log_stream_id=STREAM, body=body)
    got = capture(LtsClient, "https://lts.cn-north-4.myhuaweicloud.com", lambda c: c.list_logs(req), token)
    return dict(name=name, kind="lts", params=params, security_token=token, **got)


def config_case(name, urn):
    req = ShowFunctionConfigRequest(function_urn=urn)
    got = capture(FunctionGraphClient, "https://functiongraph.cn-north-4.myhuaweicloud.com",
                  lambda c: c.show_function_config(req), None)
    return dict(name=name, kind="config", urn=urn, security_token=None, **got)


CASES = [
    lts_case("find a request by its id", {
        "start_time": "1704164585000", "end_time": "1704164705000",
        "keywords": "1167bf8c-87b0-43ab-8f5f-26b16c64f252", "is_desc": False,
        "search_type": "init", "limit": 100}),
    lts_case("the next page, with a security token", {
        "start_time": "1704164645000", "end_time": "1704164705000", "is_desc": False,
        "search_type": "forwards", "line_num": "1704164645123456789", "limit": 100},
        token="sts-token/with+chars="),
    lts_case("non-ASCII keywords", {
        "start_time": "1704160000000", "end_time": "1704164645000", "keywords": "第007行 ✓",
        "is_desc": False, "search_type": "init", "limit": 100}),
    config_case("the function's log group and stream",
                f"urn:fss:cn-north-4:{PROJECT}:function:default:echo:latest"),
]

json.dump(
    {"huaweicloudsdkcore": importlib.metadata.version("huaweicloudsdkcore"),
     "key": ["AKIDTEST", "testsecret"], "project_id": PROJECT, "group": GROUP, "stream": STREAM,
     "instant": INSTANT.isoformat() + "Z", "cases": CASES},
    sys.stdout,
    indent=1,
    ensure_ascii=False,
)
print()
