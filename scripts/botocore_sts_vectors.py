#!/usr/bin/env python3
"""Regenerate tests/fixtures/sts-botocore.json: STS AssumeRole and AssumeRoleWithWebIdentity
requests as botocore itself serializes and signs them (its own STS client, at the instant
of SIGNING-VECTORS.md), captured before they would be sent. The test
`sts_requests_match_what_botocore_sends` (src/providers/aws_sources/tests.rs) checks that
fcall builds and signs each one byte for byte.

    python3 -m venv /tmp/boto && /tmp/boto/bin/pip install botocore
    /tmp/boto/bin/python scripts/botocore_sts_vectors.py > tests/fixtures/sts-botocore.json
"""
import datetime
import json
import sys
from unittest import mock

import botocore
import botocore.session
from botocore import UNSIGNED
from botocore.awsrequest import AWSResponse
from botocore.config import Config

INSTANT = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)

# (name, region, operation, params, session token, signed)
CASES = [
    ("AssumeRole with a session name", "eu-west-1", "AssumeRole",
     {"RoleArn": "arn:aws:iam::123456789012:role/deploy", "RoleSessionName": "ci"}, None, True),
    ("AssumeRole with an external id, a duration and a source session token", "us-east-1", "AssumeRole",
     {"RoleArn": "arn:aws:iam::123456789012:role/x-acct", "RoleSessionName": "fcall-session-1704164645",
      "ExternalId": "ext/id+=", "DurationSeconds": 900}, "src-session/token=", True),
    ("AssumeRoleWithWebIdentity, unsigned", "us-east-2", "AssumeRoleWithWebIdentity",
     {"RoleArn": "arn:aws:iam::123456789012:role/ci", "RoleSessionName": "gh-run-42",
      "WebIdentityToken": "eyJhbGciOi.J9.sig-_"}, None, False),
]


class Frozen(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return INSTANT.replace(tzinfo=None)

    @classmethod
    def now(cls, tz=None):
        return INSTANT if tz else INSTANT.replace(tzinfo=None)


def capture(name, region, op, params, token, signed):
    session = botocore.session.get_session()
    kwargs = dict(region_name=region, aws_access_key_id="AKIDTEST", aws_secret_access_key="testsecret",
                  aws_session_token=token)
    if not signed:
        kwargs["config"] = Config(signature_version=UNSIGNED)
    client = session.create_client("sts", **kwargs)
    seen = {}

    def before_send(request, **_):
        seen["request"] = request
        return AWSResponse(request.url, 200, {}, None)

    client.meta.events.register("before-send.sts.*", before_send)
    method = {"AssumeRole": client.assume_role, "AssumeRoleWithWebIdentity": client.assume_role_with_web_identity}[op]
    with mock.patch("botocore.auth.datetime.datetime", Frozen):
        try:
            method(**params)
        except Exception:  # the empty fake response does not parse; the request is captured
            pass
    r = seen["request"]
    headers = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in r.headers.items()
               if k != "User-Agent" and not k.startswith("amz-sdk-")}
    body = r.body or b""
    if isinstance(body, str):
        body = body.encode()
    return {"name": name, "region": region, "operation": op, "params": params, "session_token": token,
            "signed": signed, "method": r.method, "url": r.url, "body": body.decode(), "headers": headers}


json.dump({"botocore": botocore.__version__, "key": ["AKIDTEST", "testsecret"], "instant": INSTANT.isoformat(),
           "cases": [capture(*c) for c in CASES]}, sys.stdout, indent=1)
print()
