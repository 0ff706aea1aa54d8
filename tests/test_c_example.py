"""The public C header is enough for a C program: examples/start_import_job.c
(built with qc.h and the core library alone) runs StartImportJob against the
emulator, with the emulator checking its signature."""

import os
import subprocess
import urllib.request

import pytest

import qconnect_c
from qconnect_c.local import running

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "build", "start_import_job")


@pytest.fixture(scope="module")
def example_binary():
    # `make test` builds it with the C suite; build it here when run alone.
    subprocess.run(["make", "-s", "-C", ROOT, "build/start_import_job"],
                   check=True)
    return BIN


def test_c_program_starts_an_import_job(example_binary):
    with running(credentials=["AKIDC:secretc"]) as emu:
        c = qconnect_c.client("qconnect", region_name="us-east-1",
                              endpoint_url=emu.url, aws_access_key_id="AKIDC",
                              aws_secret_access_key="secretc")
        kb = c.create_knowledge_base(name="c-example",
                                     knowledgeBaseType="QUICK_RESPONSES")
        kb_id = kb["knowledgeBase"]["knowledgeBaseId"]
        up = c.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
        req = urllib.request.Request(
            up["url"], data=b"name,content\nHello,Hi there\n", method="PUT",
            headers=up["headersToInclude"])
        with urllib.request.urlopen(req) as r:
            assert r.status == 200
        env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDC",
                   AWS_SECRET_ACCESS_KEY="secretc", AWS_DEFAULT_REGION="us-east-1")
        env.pop("AWS_SESSION_TOKEN", None)
        out = subprocess.run([example_binary, emu.url, kb_id, up["uploadId"]],
                             env=env, capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        assert '"importJob"' in out.stdout
        assert f'"{kb_id}"' in out.stdout
        assert '"START_IN_PROGRESS"' in out.stdout
        jobs = c.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"]
        assert len(jobs) == 1

        # A wrong secret is refused by the emulator's own verifier.
        env["AWS_SECRET_ACCESS_KEY"] = "wrong"
        out = subprocess.run([example_binary, emu.url, kb_id, up["uploadId"]],
                             env=env, capture_output=True, text=True, timeout=30)
        assert out.returncode == 1
        assert "InvalidSignatureException" in out.stdout
