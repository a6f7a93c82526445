#!/usr/bin/env python3
"""Drive the vendors' own Python SDKs against fcall's emulator, as a user with SDK-based
tests for offline CI would: each SDK's invoke, async and status calls, unchanged, with the
emulator's default test credentials. Prints one line per check and exits non-zero if any
failed. Run it through scripts/sdk_conformance.sh, which makes the throwaway venv.

    python3 scripts/sdk_conformance.py http://127.0.0.1:PORT
"""
import json
import sys
import traceback

URL = sys.argv[1].rstrip("/")
HOSTPORT = URL.split("://", 1)[1]
AK, SK = "testak", "testsk"
PROJECT = "0123456789abcdef0123456789abcdef"
RESULTS = []


def check(name):
    def wrap(fn):
        try:
            fn()
            RESULTS.append((name, None))
        except Exception as e:  # noqa: BLE001 - every failure is reported, none stops the run
            RESULTS.append((name, f"{type(e).__name__}: {e}".splitlines()[0][:300]))
            if "-v" in sys.argv:
                traceback.print_exc()
        return fn
    return wrap


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


@check("botocore: Invoke (RequestResponse, Event, DryRun) and the JSON error shape")
def _botocore():
    import botocore.session
    from botocore.exceptions import ClientError
    c = botocore.session.get_session().create_client(
        "lambda", region_name="us-east-1", endpoint_url=URL,
        aws_access_key_id=AK, aws_secret_access_key=SK)
    r = c.invoke(FunctionName="echo", Payload=b'{"a":1}', LogType="Tail")
    expect(r["StatusCode"] == 200 and r["Payload"].read() == b'{"a":1}', r)
    expect(c.invoke(FunctionName="echo", InvocationType="Event", Payload=b"{}")["StatusCode"] == 202, "Event")
    expect(c.invoke(FunctionName="echo", InvocationType="DryRun")["StatusCode"] == 204, "DryRun")
    try:
        c.get_function(FunctionName="echo")
        raise AssertionError("GetFunction is not emulated, yet it succeeded")
    except ClientError as e:
        expect(e.response["Error"]["Code"] == "UnknownOperationException", e.response)


@check("aliyun-fc2: sync and async invoke")
def _fc2():
    import fc2
    c = fc2.Client(endpoint=URL, accessKeyID=AK, accessKeySecret=SK)
    r = c.invoke_function("svc", "echo", payload=b'{"a":1}')
    expect(r.data == b'{"a":1}', r.data)
    r = c.invoke_function("svc", "echo", payload=b"{}", headers={"x-fc-invocation-type": "Async"})
    expect(r.headers.get("X-Fc-Request-Id") or r.headers.get("x-fc-request-id"), r.headers)


def tea_config(models):
    return models.Config(access_key_id=AK, access_key_secret=SK, endpoint=HOSTPORT, protocol="http")


@check("FC 2.0 Tea SDK (alibabacloud-fc-open20210406): invoke, async task, status, stop")
def _fc_open():
    from alibabacloud_fc_open20210406.client import Client
    from alibabacloud_fc_open20210406 import models as m
    from alibabacloud_tea_openapi import models as open_api
    from alibabacloud_tea_util import models as util
    c = Client(tea_config(open_api))
    r = c.invoke_function_with_options(
        "svc", "echo", m.InvokeFunctionRequest(body=b'{"a":1}'), m.InvokeFunctionHeaders(), util.RuntimeOptions())
    expect(r.body == b'{"a":1}', r.body)
    headers = m.InvokeFunctionHeaders(x_fc_invocation_type="Async", x_fc_stateful_async_invocation_id="tea-2-1")
    c.invoke_function_with_options("svc", "echo", m.InvokeFunctionRequest(body=b"{}"), headers, util.RuntimeOptions())
    s = c.get_stateful_async_invocation("svc", "echo", "tea-2-1", m.GetStatefulAsyncInvocationRequest())
    expect(s.body.status == "Enqueued" and s.body.invocation_id == "tea-2-1", s.body)
    c.stop_stateful_async_invocation("svc", "echo", "tea-2-1", m.StopStatefulAsyncInvocationRequest())
    s = c.get_stateful_async_invocation("svc", "echo", "tea-2-1", m.GetStatefulAsyncInvocationRequest())
    expect(s.body.status == "Stopped", s.body)


@check("FC 3.0 SDK (alibabacloud_fc20230330): invoke, async task, status, stop, error code")
def _fc3():
    from alibabacloud_fc20230330.client import Client
    from alibabacloud_fc20230330 import models as m
    from alibabacloud_tea_openapi import models as open_api
    try:
        from darabonba.runtime import RuntimeOptions
    except ImportError:
        from alibabacloud_tea_util.models import RuntimeOptions
    c = Client(tea_config(open_api))
    r = c.invoke_function_with_options("echo", m.InvokeFunctionRequest(body=b'{"a":1}'),
                                       m.InvokeFunctionHeaders(), RuntimeOptions())
    body = r.body.read() if hasattr(r.body, "read") else r.body
    expect(body == b'{"a":1}', body)
    headers = m.InvokeFunctionHeaders(x_fc_invocation_type="Async", x_fc_async_task_id="tea-3-1")
    c.invoke_function_with_options("echo", m.InvokeFunctionRequest(body=b"{}"), headers, RuntimeOptions())
    t = c.get_async_task("echo", "tea-3-1", m.GetAsyncTaskRequest())
    expect(t.body.task_id == "tea-3-1" and t.body.status == "Enqueued", t.body)
    c.stop_async_task("echo", "tea-3-1", m.StopAsyncTaskRequest())
    try:
        c.get_async_task("echo", "nosuch", m.GetAsyncTaskRequest())
        raise AssertionError("an unknown task was found")
    except Exception as e:  # the Tea SDK raises its own error type, with the code
        code = getattr(e, "code", None) or str(e)
        expect("AsyncTaskNotFound" in str(code), f"code {code!r}")
        expect(getattr(e, "request_id", None) or "RequestId" in str(e), "no request id")


@check("Huawei FunctionGraph SDK: invoke, async, list, cancel")
def _huawei():
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkfunctiongraph.v2 import (
        AsyncInvokeFunctionRequest, CancelAsyncInvocationRequest, CancelAsyncInvocationRequestBody,
        FunctionGraphClient, InvokeFunctionRequest, ListAsyncInvocationsRequest)
    config = HttpConfig.get_default_config()
    config.ignore_ssl_verification = True
    c = (FunctionGraphClient.new_builder().with_http_config(config)
         .with_credentials(BasicCredentials(AK, SK, PROJECT)).with_endpoints([URL]).build())
    urn = f"urn:fss:cn-north-4:{PROJECT}:function:default:echo:latest"
    # the SDK's response model is the v1 envelope: ask for it, as SDK users do
    r = c.invoke_function(InvokeFunctionRequest(function_urn=urn, x_cff_request_version="v1", body={"a": 1}))
    expect(json.loads(r.result) == {"a": 1}, r)
    a = c.async_invoke_function(AsyncInvokeFunctionRequest(function_urn=urn, body={"b": 2}))
    listed = c.list_async_invocations(ListAsyncInvocationsRequest(function_urn=urn))
    expect(any(i.request_id == a.request_id for i in listed.invocations), listed)
    one = c.list_async_invocations(ListAsyncInvocationsRequest(function_urn=urn, request_id=a.request_id))
    expect(len(one.invocations) == 1, one)
    c.cancel_async_invocation(CancelAsyncInvocationRequest(
        function_urn=urn, body=CancelAsyncInvocationRequestBody(request_id=a.request_id)))


@check("iots (Altair IoT Studio): OAuth2 token, invoke, async, revoke on exit")
def _iots():
    from iots import API
    with API(host=URL).set_credentials("testclient", "testsecret", scopes=["function"]) as api:
        r = api.make_request("POST", "/spaces/demo/functions/echo/invoke", body={"a": 1})
        expect(r.status_code == 200 and r.json() == {"a": 1}, (r.status_code, r.text))
        r = api.make_request("POST", "/spaces/demo/functions/echo/async-invoke", body={},
                             headers={"X-Callback-Url": URL + "/nowhere"})
        expect(r.status_code == 202, (r.status_code, r.text))


failed = [(n, e) for n, e in RESULTS if e]
for name, err in RESULTS:
    print(("ok    " if err is None else "FAIL  ") + name + ("" if err is None else f"\n      {err}"))
sys.exit(1 if failed else 0)
