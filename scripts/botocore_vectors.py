#!/usr/bin/env python3
"""Regenerate tests/fixtures/lambda-sigv4-botocore.json: Lambda Invoke requests as botocore
itself serializes and signs them (its own client, serializer and SigV4Auth), at the fixed
instant of SIGNING-VECTORS.md, captured before they would be sent. the test matches_what_botocore_sends (src/providers/aws.rs) checks that fcall builds and
signs each one byte for byte.

    python3 -m venv /tmp/boto && /tmp/boto/bin/pip install botocore
    /tmp/boto/bin/python scripts/botocore_vectors.py > tests/fixtures/lambda-sigv4-botocore.json
"""
import datetime
import json
import sys
from unittest import mock

import botocore
import botocore.session
from botocore.awsrequest import AWSResponse

INSTANT = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)

# (name, region, FunctionName, Qualifier, InvocationType, LogType, Payload, session token[, extra headers])
CASES = [
    ("an extra header with runs of blanks (collapsed when signed)", "us-east-1", "echo", None,
     "RequestResponse", None, "{}", None, {"X-Trace-Note": "a  b\t c"}),
    ("the SIGNING-VECTORS request", "us-east-1", "echo", None, "RequestResponse", "Tail", '{"k":"v"}', None),
    ("full ARN, $LATEST, Event, session token", "us-east-1",
     "arn:aws:lambda:us-east-1:123456789012:function:echo", "$LATEST", "Event", None, "[1,2,3]", "sts-token/with+chars="),
    ("partial ARN with its qualifier, no payload", "eu-west-1",
     "123456789012:function:my_fn-2:prod", None, "RequestResponse", None, None, None),
    ("name with a version qualifier, DryRun", "ap-southeast-2", "worker", "7", "DryRun", None, "{}", None),
    ("China region, unicode payload", "cn-north-1", "echo", None, "RequestResponse", "Tail",
     '{"msg":"你好, función ✓"}', None),
]


class Frozen(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return INSTANT.replace(tzinfo=None)

    @classmethod
    def now(cls, tz=None):
        return INSTANT if tz else INSTANT.replace(tzinfo=None)


def capture(name, region, function, qualifier, kind, log, payload, token, extra=None):
    session = botocore.session.get_session()
    client = session.create_client(
        "lambda",
        region_name=region,
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="testsecret",
        aws_session_token=token,
    )
    seen = {}

    def before_send(request, **_):
        seen["request"] = request
        return AWSResponse(request.url, 200, {}, None)

    client.meta.events.register("before-send.lambda.Invoke", before_send)

    def before_sign(request, **_):
        for k, v in (extra or {}).items():
            request.headers[k] = v

    client.meta.events.register("before-sign.lambda.Invoke", before_sign)
    params = {"FunctionName": function, "InvocationType": kind}
    if qualifier:
        params["Qualifier"] = qualifier
    if log:
        params["LogType"] = log
    if payload is not None:
        params["Payload"] = payload.encode()
    with mock.patch("botocore.auth.datetime.datetime", Frozen):
        try:
            client.invoke(**params)
        except Exception:  # the empty fake response may not parse; the request is captured
            pass
    r = seen["request"]
    # User-Agent (machine-specific) and amz-sdk-* (random per call) are not signed: left out
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
        "region": region,
        "function": function,
        "qualifier": qualifier,
        "invocation_type": kind,
        "log_type": log,
        "payload": payload,
        "session_token": token,
        "extra_headers": extra or {},
        "method": r.method,
        "url": r.url,
        "body": body.decode(),
        "headers": headers,
    }


json.dump(
    {"botocore": botocore.__version__, "key": ["AKIDTEST", "testsecret"], "instant": INSTANT.isoformat(),
     "cases": [capture(*c) for c in CASES]},
    sys.stdout,
    indent=1,
    ensure_ascii=False,
)
print()
