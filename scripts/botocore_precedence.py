#!/usr/bin/env python3
"""Regenerate tests/fixtures/aws-precedence-botocore.json: which credentials and region
botocore itself picks for each case of the AWS credential chain (files, environment, a
profile named explicitly or not). The test `botocore_picks_the_same`
(src/providers/aws_chain/tests.rs) runs every case through fcall's chain and compares.

Sources that fetch (roles, web identity, SSO) are deferred in botocore, so only their
method is compared; static keys are compared by key id. The container and instance
metadata sources are left out (botocore would call them): their place is tested apart.

    python3 -m venv /tmp/boto && /tmp/boto/bin/pip install botocore
    /tmp/boto/bin/python scripts/botocore_precedence.py > tests/fixtures/aws-precedence-botocore.json
"""
import json
import os
import sys
import tempfile

import botocore
import botocore.session

KEYS = "aws_access_key_id = AK{n}\naws_secret_access_key = s{n}\n"

CASES = [
    ("the environment's keys", "", "", {"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "senv"}, None),
    ("the environment's keys beat the default profile's", "[default]\n" + KEYS.format(n="DEF"), "",
     {"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "senv"}, None),
    ("a profile named explicitly negates the environment's keys", "[prod]\n" + KEYS.format(n="PROD"), "",
     {"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "senv"}, "prod"),
    ("AWS_PROFILE does not negate the environment's keys", "[prod]\n" + KEYS.format(n="PROD"), "",
     {"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "senv", "AWS_PROFILE": "prod"}, None),
    ("AWS_PROFILE picks the profile", "[prod]\n" + KEYS.format(n="PROD"), "", {"AWS_PROFILE": "prod"}, None),
    ("a region only in the credentials file is read", "[prod]\nregion = eu-north-1\n" + KEYS.format(n="PROD"), "", {}, "prod"),
    ("the credentials file's region beats the config file's", "[prod]\nregion = eu-north-1\n" + KEYS.format(n="PROD"),
     "[profile prod]\nregion = us-west-2\n", {}, "prod"),
    ("AWS_DEFAULT_REGION beats the profile's region", "[prod]\n" + KEYS.format(n="PROD"),
     "[profile prod]\nregion = us-west-2\n", {"AWS_DEFAULT_REGION": "ap-south-1"}, "prod"),
    ("the config file's keys", "", "[profile cfg]\nregion = us-east-2\n" + KEYS.format(n="CFG"), {}, "cfg"),
    ("the credentials file's keys beat the config file's", "[both]\n" + KEYS.format(n="CRED"),
     "[profile both]\n" + KEYS.format(n="CFG"), {}, "both"),
    ("role_arn with a source profile", "[base]\n" + KEYS.format(n="BASE"),
     "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n", {}, "role"),
    ("the environment's keys beat a role profile that is not named", "",
     "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n[profile base]\n" + KEYS.format(n="BASE"),
     {"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "senv"}, None),
    ("a role profile named explicitly beats the environment's keys", "[base]\n" + KEYS.format(n="BASE"),
     "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n",
     {"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "senv"}, "role"),
    ("role_arn beats static keys in the same profile", "[r]\n" + KEYS.format(n="R"),
     "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = r\n", {}, "r"),
    ("a loop of source profiles is an error", "",
     "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = a\n", {}, "a"),
    ("source_profile and credential_source together are an error", "[base]\n" + KEYS.format(n="BASE"),
     "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\ncredential_source = Environment\n", {}, "r"),
    ("a chain of roles", "[base]\n" + KEYS.format(n="BASE"),
     "[profile mid]\nrole_arn = arn:aws:iam::123456789012:role/mid\nsource_profile = base\n[profile top]\nrole_arn = arn:aws:iam::123456789012:role/top\nsource_profile = mid\n", {}, "top"),
    ("the credentials file's keys beat credential_process", "[p]\n" + KEYS.format(n="FILE"),
     "[profile p]\ncredential_process = printf %s '{\"Version\":1,\"AccessKeyId\":\"AKPROC\",\"SecretAccessKey\":\"x\"}'\n", {}, "p"),
    ("credential_process beats the config file's keys", "",
     "[profile p]\ncredential_process = printf %s '{\"Version\":1,\"AccessKeyId\":\"AKPROC\",\"SecretAccessKey\":\"x\"}'\n" + KEYS.format(n="CFG"), {}, "p"),
    ("web identity from the environment beats the default profile's keys", "[default]\n" + KEYS.format(n="DEF"), "",
     {"AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci", "AWS_WEB_IDENTITY_TOKEN_FILE": "/tmp/token"}, None),
    ("web identity from the environment is not used for a profile named explicitly", "[prod]\n" + KEYS.format(n="PROD"), "",
     {"AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci", "AWS_WEB_IDENTITY_TOKEN_FILE": "/tmp/token"}, "prod"),
    ("the environment's keys beat web identity from the environment", "", "",
     {"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "senv", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci",
      "AWS_WEB_IDENTITY_TOKEN_FILE": "/tmp/token"}, None),
    ("a profile's web_identity_token_file, whose role_arn is not assumed with a source", "",
     "[profile w]\nrole_arn = arn:aws:iam::123456789012:role/w\nweb_identity_token_file = /tmp/token\n", {}, "w"),
    ("SSO beats the credentials file's keys", "[s]\n" + KEYS.format(n="FILE"),
     "[profile s]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n", {}, "s"),
    ("the legacy SSO form", "",
     "[profile s]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 111122223333\nsso_role_name = Dev\nregion = eu-west-1\n", {}, "s"),
    ("an explicitly named profile that does not exist is an error", "[prod]\n" + KEYS.format(n="PROD"), "", {}, "nosuch"),
    ("half a key pair in the environment is an error", "", "", {"AWS_ACCESS_KEY_ID": "AKENV"}, None),
    ("no credentials anywhere", "", "", {}, None),
]


def run(credentials, config, env, profile):
    with tempfile.TemporaryDirectory() as d:
        cred_path, cfg_path = os.path.join(d, "credentials"), os.path.join(d, "config")
        with open(cred_path, "w") as f:
            f.write(credentials)
        with open(cfg_path, "w") as f:
            f.write(config)
        os.environ.clear()
        os.environ.update({"HOME": d, "PATH": "/usr/bin:/bin", "AWS_CONFIG_FILE": cfg_path,
                           "AWS_SHARED_CREDENTIALS_FILE": cred_path, "AWS_EC2_METADATA_DISABLED": "true"})
        os.environ.update(env)
        try:
            session = botocore.session.Session(profile=profile)
            creds = session.get_credentials()
            region = session.get_config_variable("region")
        except Exception as e:  # noqa: BLE001 - the error's class is the expectation
            return {"error": type(e).__name__}
        if creds is None:
            return {"method": None, "region": region}
        out = {"method": creds.method, "region": region}
        if creds.method in ("env", "shared-credentials-file", "config-file", "custom-process"):
            out["access_key"] = creds.get_frozen_credentials().access_key
        return out


def main():
    out = {"botocore": botocore.__version__, "cases": []}
    for name, credentials, config, env, profile in CASES:
        out["cases"].append({"name": name, "credentials": credentials, "config": config, "env": env,
                             "profile": profile, "expect": run(credentials, config, env, profile)})
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
