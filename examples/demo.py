"""Import quick responses into a local QConnect service with qconnect_c.

Starts the local emulator (qconnect_c.local) on a free port, creates a
QUICK_RESPONSES knowledge base, imports examples/quick_responses.csv with
client.import_quick_responses (with a progress bar), then shows the finished
job, the quick responses it created and its failed-record report, and stops
the emulator. Run it with `make demo`, or `python examples/demo.py [CSV]`.
"""

import csv
import io
import os
import sys
import textwrap
import time
import unicodedata
import urllib.request

import qconnect_c
import qconnect_c.local
from qconnect_c.workflow import ImportJobFailedError

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CSV = os.path.join(HERE, "quick_responses.csv")
ACCESS_KEY = "AKIDQCONNECTDEMO"
SECRET_KEY = "qconnect-demo-secret"
REGION = "us-east-1"


def heading(text):
    print()
    print(text)
    print("-" * len(text))


def width(text):
    """Return the number of terminal columns `text` takes (wide CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text, columns):
    """Return `text` padded with spaces to `columns` terminal columns."""
    return text + " " * (columns - width(text))


def table(rows, columns, max_width=None):
    """Print `rows` (dicts) as a plain text table of `columns` [(key, title)]."""
    max_width = max_width or {}
    cells = []
    for row in rows:
        line = []
        for key, _ in columns:
            text = " ".join(str(row.get(key, "")).split())
            limit = max_width.get(key)
            if limit and len(text) > limit:
                text = text[:limit - 1] + "\u2026"
            line.append(text)
        cells.append(line)
    widths = [max([width(title)] + [width(line[i]) for line in cells]) for i, (_, title) in enumerate(columns)]
    print("  ".join(pad(title, w) for (_, title), w in zip(columns, widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    for line in cells:
        print("  ".join(pad(text, w) for text, w in zip(line, widths)).rstrip())


def list_quick_responses(client, kb_id, page_size=20):
    """Return every quick response of the knowledge base, following nextToken."""
    items, token, pages = [], None, 0
    while True:
        kwargs = {"knowledgeBaseId": kb_id, "maxResults": page_size}
        if token:
            kwargs["nextToken"] = token
        page = client.list_quick_responses(**kwargs)
        items += page["quickResponseSummaries"]
        pages += 1
        token = page.get("nextToken")
        if not token:
            return items, pages


def download_report(url):
    """Return the failed-record report at `url` as a list of dicts."""
    with urllib.request.urlopen(url, timeout=30) as resp:
        text = resp.read().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def main(argv):
    csv_path = argv[1] if len(argv) > 1 else DEFAULT_CSV
    started = time.monotonic()
    with qconnect_c.local.running(credentials=["%s:%s" % (ACCESS_KEY, SECRET_KEY)],
                                  processing_delay=0.5) as emulator:
        print("Local QConnect emulator at %s" % emulator.url)
        client = qconnect_c.client(
            "qconnect", region_name=REGION, endpoint_url=emulator.url,
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)

        kb = client.create_knowledge_base(
            name="Northwind support", knowledgeBaseType="QUICK_RESPONSES",
            description="Quick responses for the Northwind support team")["knowledgeBase"]
        kb_id = kb["knowledgeBaseId"]
        print("Knowledge base %s (%s, %s)" % (kb["name"], kb["knowledgeBaseType"], kb_id))
        print("Importing %s into it" % os.path.relpath(csv_path))
        sys.stdout.flush()

        try:
            job = client.import_quick_responses(
                kb_id, csv_path, progress=True, poll_interval=0.2, timeout=60,
                metadata={"source": os.path.basename(csv_path)})
        except ImportJobFailedError as err:
            print("The import failed: %s" % err)
            if err.failed_record_report:
                for row in download_report(err.failed_record_report):
                    print("  line %s: %s" % (row.get("lineNumber"), row.get("failureReason")))
            return 1

        summaries, pages = list_quick_responses(client, kb_id)
        failed = download_report(job["failedRecordReport"]) if job.get("failedRecordReport") else []

        heading("Import job")
        took = (job["lastModifiedTime"] - job["createdTime"]).total_seconds()
        for label, value in (("id", job["importJobId"]),
                             ("status", job["status"]),
                             ("type", job["importJobType"]),
                             ("metadata", job.get("metadata", {})),
                             ("created", job["createdTime"].isoformat(timespec="seconds")),
                             ("processed in", "%.1f s" % took),
                             ("imported", "%d quick responses" % len(summaries)),
                             ("failed", "%d rows" % len(failed))):
            print("  %-15s %s" % (label, value))

        heading("Quick responses created (%d, listed in %d pages)" % (len(summaries), pages))
        rows = []
        for s in summaries:
            detail = client.get_quick_response(knowledgeBaseId=kb_id,
                                               quickResponseId=s["quickResponseId"])["quickResponse"]
            rows.append({
                "name": s["name"],
                "format": s["contentType"].rsplit("=", 1)[-1],
                "language": detail.get("language", ""),
                "shortcut": detail.get("shortcutKey", ""),
                "channels": ", ".join(s.get("channels", [])),
                "active": "yes" if s.get("isActive", True) else "no",
            })
        table(rows, [("name", "Name"), ("format", "Format"), ("language", "Language"),
                     ("shortcut", "Shortcut"), ("channels", "Channels"), ("active", "Active")],
              max_width={"name": 34})

        heading("Failed-record report (%d rows)" % len(failed))
        if failed:
            table(failed, [("lineNumber", "Line"), ("name", "Name"), ("failureReason", "Reason")],
                  max_width={"name": 30, "failureReason": 70})
        else:
            print("  (no failed rows)")

        example = next((s for s in summaries if s["contentType"].endswith("markdown")), None)
        if example:
            heading("One of them, in full: %s" % example["name"])
            qr = client.get_quick_response(knowledgeBaseId=kb_id,
                                           quickResponseId=example["quickResponseId"])["quickResponse"]
            print(textwrap.indent(qr["contents"]["markdown"]["content"], "  "))

    print()
    print("Emulator stopped. Done in %.1f s." % (time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
