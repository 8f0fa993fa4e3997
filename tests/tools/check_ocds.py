#!/usr/bin/env python3
"""Validate an OCDS 1.1 release (or record) package with libcoveocds, fully offline.

Usage (after `bash tests/tools/setup-python.sh`):

    tests/.venv/bin/python tests/tools/check_ocds.py PACKAGE.json
    tests/.venv/bin/python tests/tools/check_ocds.py --strict PACKAGE.json
    tests/.venv/bin/python tests/tools/check_ocds.py --json PACKAGE.json   # full libcoveocds result

The OCDS schema and codelists are read from the official standard ZIP
(default: the copy in the repository, tests/standards/ocds-1.1.5/, override with
--schema-zip or $OCDS_SCHEMA_ZIP). libcoveocds' `standard_zip` option points
the profile builder at that ZIP instead of GitHub; extensions (which would be
fetched from the web) are refused. As a guard, every socket connection and DNS
lookup is blocked in-process, so an unexpected download fails loudly instead
of silently reaching the network.

Exit status:
  0  no errors (warnings may have been printed; with --strict, none either)
  1  the package has errors: JSON Schema validation errors (including values
     outside a closed codelist), a malformed OCID prefix, a version other
     than "1.1", or declared extensions
  2  the tool couldn't run: unreadable/invalid JSON, missing schema ZIP,
     attempted network access, ...
"""

import argparse
import json
import os
import shutil
import socket
import sys
import tempfile
import warnings
import zipfile

TOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(os.path.dirname(TOOLS_DIR))
DEFAULT_SCHEMA_ZIP = os.path.join(REPO_DIR, "tests", "standards", "ocds-1.1.5", "ocds-1.1.5-schema.zip")
OCDS_VERSION = "1.1"
STANDARD_TAG = "1__1__5"


class NetworkAccessError(RuntimeError):
    """Raised when anything tries to open a network connection. Not an OSError, so nothing swallows it."""


def block_network():
    def deny(*args, **kwargs):
        raise NetworkAccessError(f"network access attempted: {args!r}")

    socket.getaddrinfo = deny
    socket.create_connection = deny
    socket.socket.connect = deny
    socket.socket.connect_ex = deny


def die(message):
    print(f"check_ocds: error: {message}", file=sys.stderr)
    sys.exit(2)


def check_schema_zip(path):
    """Make sure the ZIP is laid out the way ocdsextensionregistry expects: `<top>/schema/*.json`."""
    if not os.path.isfile(path):
        die(f"OCDS schema ZIP not found: {path} (set --schema-zip or OCDS_SCHEMA_ZIP)")
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile as e:
        die(f"{path}: {e}")
    top = names[0] if names else ""
    needed = [f"{top}schema/{name}" for name in ("release-schema.json", "release-package-schema.json")]
    if not top.endswith("/") or any(name not in names for name in needed):
        die(f"{path}: not an OCDS standard ZIP (expected {', '.join(needed)})")
    if STANDARD_TAG not in top:
        print(f"check_ocds: warning: {path} top folder is {top!r}, expected OCDS {STANDARD_TAG}", file=sys.stderr)
    return top.rstrip("/")


def short(value, limit=80):
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=list)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def run_libcoveocds(data, schema_zip, upload_dir):
    # Imported late, so the network guard is in place before any library code runs.
    try:
        from libcoveocds.common_checks import common_checks_ocds
        from libcoveocds.config import LibCoveOCDSConfig
        from libcoveocds.lib.api import context_api_transform
        from libcoveocds.schema import SchemaOCDS
    except ImportError as e:
        die(f"{e}: run `bash tests/tools/setup-python.sh` and use tests/.venv/bin/python")

    config = LibCoveOCDSConfig(
        {
            # Only 1.1 is available offline (the ZIP holds 1.1.5).
            "schema_version_choices": {
                OCDS_VERSION: (OCDS_VERSION, f"https://standard.open-contracting.org/{OCDS_VERSION}/en/", STANDARD_TAG)
            },
            "schema_version": OCDS_VERSION,
            # ProfileBuilder(standard_base_url=...) reads file:// ZIPs from disk instead of codeload.github.com.
            "standard_zip": "file://" + os.path.abspath(schema_zip),
            "additional_checks": "all",
            "skip_aggregates": False,
            # "api" context: plain-data output, no Django/bleach needed.
            "context": "api",
        }
    )
    record_pkg = isinstance(data, dict) and "records" in data
    # SchemaOCDS reads `extensions` from the data it's given and would fetch each one from the web; we refuse
    # extensions (reported by the caller), so hide them from it. The full data is still what gets validated.
    schema_data = {k: v for k, v in data.items() if k != "extensions"} if isinstance(data, dict) else data
    schema_obj = SchemaOCDS(OCDS_VERSION, schema_data, config, record_pkg=record_pkg)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        context = common_checks_ocds({"file_type": "json"}, upload_dir, data, schema_obj, cache=False)
    if schema_obj.json_deref_error:
        return {"json_deref_error": schema_obj.json_deref_error}, caught
    context_api_transform(context)
    return context, caught


def main():
    parser = argparse.ArgumentParser(description="Validate an OCDS 1.1 package with libcoveocds, offline.")
    parser.add_argument("package", help="OCDS release package (or record package) JSON file")
    parser.add_argument(
        "--schema-zip",
        default=os.environ.get("OCDS_SCHEMA_ZIP", DEFAULT_SCHEMA_ZIP),
        help="official OCDS standard ZIP (default: $OCDS_SCHEMA_ZIP or tests/standards/ocds-1.1.5/ocds-1.1.5-schema.zip)",
    )
    parser.add_argument("--strict", action="store_true", help="also fail on warnings (additional checks etc.)")
    parser.add_argument("--json", action="store_true", help="print libcoveocds' full result as JSON, then the summary")
    args = parser.parse_args()

    block_network()
    top = check_schema_zip(args.schema_zip)

    try:
        with open(args.package, "rb") as f:
            data = json.loads(f.read())
    except OSError as e:
        die(f"cannot read {args.package}: {e}")
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        die(f"{args.package} is not valid JSON: {e}")
    if not isinstance(data, dict) or not ("releases" in data or "records" in data):
        print(f"check_ocds: FAIL: {args.package} is not an OCDS release or record package "
              "(a JSON object with `releases` or `records`)")
        return 1

    upload_dir = tempfile.mkdtemp(prefix="check-ocds-")
    try:
        context, caught = run_libcoveocds(data, args.schema_zip, upload_dir)
    except NetworkAccessError as e:
        die(f"libcoveocds tried to use the network, which this tool forbids: {e}")
    finally:
        shutil.rmtree(upload_dir, ignore_errors=True)

    if args.json:
        print(json.dumps(context, indent=2, ensure_ascii=False, default=list))

    errors = []  # (path, message)
    warns = []  # (path, message)

    if "json_deref_error" in context:
        errors.append(("(schema)", f"schema $ref could not be resolved: {context['json_deref_error']}"))
    for err in context.get("validation_errors", []):
        value = err.get("value", "")
        suffix = f" (value: {short(value)})" if value not in ("", None) else ""
        errors.append((err.get("path") or err.get("field") or "(package)", f"[{err['type']}] {err['description']}{suffix}"))

    version = data.get("version")
    if version is not None and version != OCDS_VERSION:
        errors.append(("version", f'package declares OCDS version {version!r}; only "{OCDS_VERSION}" is supported'))
    extensions = data.get("extensions")
    if extensions:
        errors.append(("extensions", f"{len(extensions)} extension(s) declared; extensions would have to be fetched "
                                     "from the web, which this offline checker refuses"))

    for ocid, path in context.get("conformance_errors", {}).get("ocds_prefixes_bad_format", []):
        errors.append((path, f"[ocid] {ocid!r} does not start with a well-formed prefix (ocds-xxxxxx-)"))

    for check, results in (context.get("additional_checks") or {}).items():
        for result in results:
            warns.append((result.get("json_location", ""), f"[additional check: {check}] empty value"))
    # Closed codelists are `enum`s in the schema. lib-cove leaves those enum failures out of `validation_errors`
    # and reports them here instead, so they are errors too. Keys are paths without array indexes.
    for key, info in (context.get("additional_closed_codelist_values") or {}).items():
        errors.append((key, f"[closed codelist {info.get('codelist')}] value(s) not in the codelist: "
                            f"{sorted(info.get('values', []))}"))
    # Open codelists may be extended by the publisher: only a warning.
    for key, info in (context.get("additional_open_codelist_values") or {}).items():
        warns.append((key, f"[open codelist {info.get('codelist')}] value(s) not in the codelist: "
                           f"{sorted(info.get('values', []))}"))
    for field in context.get("additional_fields") or []:
        warns.append((f"{field['path']}/{field['field']}".lstrip("/"),
                      f"[additional field] not in the OCDS schema (used {field['usage_count']}x)"))
    for field in context.get("deprecated_fields") or []:
        since, why = (list(field.get("explanation") or []) + ["", ""])[:2]
        for parent in field.get("paths") or [""]:
            warns.append((f"{parent}/{field.get('field', '')}".lstrip("/"),
                          f"[deprecated field] deprecated in OCDS {since}: {why}"))
    for w in caught:
        warns.append(("(libcoveocds)", f"[{w.category.__name__}] {w.message}"))

    kind = "record" if "records" in data else "release"
    print(f"OCDS {OCDS_VERSION} check of {args.package} (libcoveocds, offline, schema {top} from "
          f"{os.path.normpath(args.schema_zip)})")
    if "count" in context:
        print(f"  {kind} package: {context['count']} {kind}(s), {context['unique_ocids_count']} unique ocid(s)")
    print(f"  errors: {len(errors)}")
    for path, message in errors:
        print(f"    ERROR   {path}: {message}")
    print(f"  warnings: {len(warns)}")
    for path, message in warns:
        print(f"    WARNING {path}: {message}")

    failed = bool(errors) or (args.strict and bool(warns))
    print(f"check_ocds: {'FAIL' if failed else 'OK'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
