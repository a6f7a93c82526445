#!/usr/bin/env python3
"""Regenerate tests/fixtures/logs-sigv4-botocore.json: the CloudWatch Logs FilterLogEvents and
Lambda GetFunctionConfiguration requests fcall sends to read a function's log, as botocore
itself serializes and signs them (its own client, JSON 1.1 serializer, endpoint resolution,
including AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, and SigV4Auth), at the fixed instant of
SIGNING-VECTORS.md, captured before they would be sent. The test matches_what_botocore_sends
(src/providers/aws_logs.rs) checks that fcall builds and signs each one byte for byte.

    python3 -m venv /tmp/boto && /tmp/boto/bin/pip install botocore
    /tmp/boto/bin/python scripts/botocore_logs_vectors.py > tests/fixtures/logs-sigv4-botocore.json
"""
import datetime
import json
import os
import sys
from unittest import mock

import botocore
import botocore.session
from botocore.awsrequest import AWSResponse

INSTANT = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)

# (name, service, operation, region, params, session token, endpoint env)
CASES = [
    ("find a request's START line", "logs", "FilterLogEvents", "us-east-1",
     {"logGroupName": "/aws/lambda/echo", "startTime": 1704164585000,
      "filterPattern": '"RequestId: 8f5b3c2a-1d2e-4f5a-9b8c-7d6e5f4a3b2c"'}, None, None),
    ("read its stream from there, next page, session token", "logs", "FilterLogEvents", "us-east-1",
     {"logGroupName": "/aws/lambda/echo", "logStreamNames": ["2024/01/02/[$LATEST]0123456789abcdef"],
      "startTime": 1704164645123, "nextToken": "Bxkq6kVGFtq2y_MoigeqscPOdhXVbhiVtLoAmXb5jCrEXAMPLE"},
     "sts-token/with+chars=", None),
    ("a window with a pattern, eu-west-1", "logs", "FilterLogEvents", "eu-west-1",
     {"logGroupName": "/custom/group", "startTime": 1704160000000, "endTime": 1704164645000,
      "filterPattern": '"ERROR"'}, None, None),
    ("non-ASCII text in the pattern (botocore escapes it as \\uXXXX)", "logs", "FilterLogEvents", "us-east-1",
     {"logGroupName": "/aws/lambda/echo", "startTime": 1704160000000,
      "filterPattern": '"第007行 ✓ 🚀 tab\t"'}, None, None),
    ("China region", "logs", "FilterLogEvents", "cn-north-1",
     {"logGroupName": "/aws/lambda/echo", "startTime": 1704164000000}, None, None),
    ("the endpoint from AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "logs", "FilterLogEvents", "us-east-1",
     {"logGroupName": "/aws/lambda/echo", "startTime": 1704164000000}, None, "http://127.0.0.1:4566"),
    ("GetFunctionConfiguration with a qualifier", "lambda", "GetFunctionConfiguration", "us-east-1",
     {"FunctionName": "echo", "Qualifier": "prod"}, None, None),
]

ENV = "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"


class Frozen(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return INSTANT.replace(tzinfo=None)

    @classmethod
    def now(cls, tz=None):
        return INSTANT if tz else INSTANT.replace(tzinfo=None)


def capture(name, service, operation, region, params, token, endpoint_env):
    if endpoint_env:
        os.environ[ENV] = endpoint_env
    else:
        os.environ.pop(ENV, None)
    session = botocore.session.get_session()
    client = session.create_client(
        service,
        region_name=region,
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="testsecret",
        aws_session_token=token,
    )
    seen = {}

    def before_send(request, **_):
        seen["request"] = request
        return AWSResponse(request.url, 200, {}, None)

    client.meta.events.register(f"before-send.{service}.{operation}", before_send)
    method = botocore.xform_name(operation)
    with mock.patch("botocore.auth.datetime.datetime", Frozen):
        try:
            getattr(client, method)(**params)
        except Exception:  # the empty fake response may not parse; the request is captured
            pass
    r = seen["request"]
    headers = {
        k: (v.decode() if isinstance(v, bytes) else v)
        for k, v in r.headers.items()
        if k != "User-Agent" and not k.startswith("amz-sdk-")
    }
    body = r.body or b""
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode()
    return {
        "name": name,
        "service": service,
        "operation": operation,
        "region": region,
        "params": params,
        "session_token": token,
        "endpoint_env": endpoint_env,
        "method": r.method,
        "url": r.url,
        "body": body.decode(),
        "headers": headers,
    }


os.environ.pop("AWS_ENDPOINT_URL", None)
json.dump(
    {"botocore": botocore.__version__, "key": ["AKIDTEST", "testsecret"], "instant": INSTANT.isoformat(),
     "cases": [capture(*c) for c in CASES]},
    sys.stdout,
    indent=1,
    ensure_ascii=False,
)
print()
