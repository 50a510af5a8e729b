#!/usr/bin/env python3
"""Write the reference renderings that ChatTemplateReferenceTest compares Cove's Jinja engine with.

  python3 tools/chat-templates/generate_references.py [SHARED_DIR]

Renders every template in SHARED_DIR/chat-templates/*.jinja that is not already covered by
SHARED_DIR/chat-templates/expected/ (templates.json) on the conversations of
cove-core/src/test/resources/chat-templates/conversations.json, with SHARED_DIR/tools/render_chat_templates.py (Hugging Face transformers'
environment: Python's jinja2 with trim_blocks, lstrip_blocks, tojson keeping non-ASCII, ...).
Output: cove-core/src/test/resources/chat-templates/expected/NAME--CONV.txt (UTF-8, byte for byte)
or NAME--CONV.error ("KIND: MESSAGE"). Run it again when a template or a conversation changes;
CI only reads the stored files, so it needs no Python.
"""
import datetime
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "..", "shared")
    sys.path.insert(0, os.path.join(shared, "tools"))
    from render_chat_templates import environment, render  # noqa: E402

    resources = os.path.join(REPO, "cove-core", "src", "test", "resources", "chat-templates")
    conv_file = json.load(open(os.path.join(resources, "conversations.json"), encoding="utf-8"))
    tokens = conv_file["tokens"]
    covered = set(json.load(open(os.path.join(shared, "chat-templates", "templates.json"), encoding="utf-8")))
    env = environment(datetime.datetime.fromisoformat(conv_file["now"]))
    out = os.path.join(resources, "expected")
    os.makedirs(out, exist_ok=True)
    for old in glob.glob(os.path.join(out, "*")):
        os.remove(old)
    n_ok = n_err = 0
    for path in sorted(glob.glob(os.path.join(shared, "chat-templates", "*.jinja"))):
        name = os.path.basename(path)[: -len(".jinja")]
        if name in covered:
            continue
        source = open(path, encoding="utf-8").read()
        for cname, conv in conv_file["conversations"].items():
            base = os.path.join(out, f"{name}--{cname}")
            try:
                text = render(env, source, conv, tokens)
            except Exception as e:  # the template's own raise_exception, or a runtime error
                open(base + ".error", "w", encoding="utf-8").write(f"{type(e).__name__}: {e}")
                n_err += 1
                continue
            open(base + ".txt", "wb").write(text.encode("utf-8"))
            n_ok += 1
    print(f"{n_ok} renderings, {n_err} errors", file=sys.stderr)


if __name__ == "__main__":
    main()
