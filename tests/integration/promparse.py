"""promparse.py - a strict parser of the Prometheus text exposition
format 0.0.4, for checking sipd's /metrics (mgmt_metrics.sh).

Rules enforced (from the format's documentation):
  * lines end with \\n; no \\r; the text ends with a newline;
  * "# HELP name text" (text escapes only \\\\ and \\n) and
    "# TYPE name type" with type counter, gauge, histogram, summary or
    untyped; at most one HELP and one TYPE per family, TYPE before the
    family's first sample; other "#" lines are comments;
  * metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names
    [a-zA-Z_][a-zA-Z0-9_]* and not starting with "__";
  * label values are double-quoted with only \\\\, \\" and \\n escapes;
    no label name twice in one sample; "{}" allowed;
  * a value is a float (Go ParseFloat syntax, NaN, +Inf, -Inf), an
    optional integer timestamp may follow;
  * a family's samples are contiguous (all lines of one family
    together), a sample names its family (summary/histogram suffixes
    _sum, _count, _bucket allowed), no sample (name + labels) twice;
  * counters are not negative; (mgmt tests compare scrapes for growth).

parse(text) returns {"types": {family: type}, "samples": {(name,
frozenset(labels.items())): value}}; raises ValueError with the line
number on the first violation.
"""
import math
import re

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|Inf|NaN)$")
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")


def _value(text, ln):
    if not FLOAT.match(text):
        raise ValueError("line %d: bad value %r" % (ln, text))
    return float(text.replace("Inf", "inf").replace("NaN", "nan"))


def _labels(s, i, ln):
    """Parse labels starting after '{' at s[i]; return (dict, index after '}')."""
    out = {}
    while True:
        if s[i:i + 1] == "}":
            return out, i + 1
        m = LABEL.match(s, i)
        if not m:
            raise ValueError("line %d: bad label name at %r" % (ln, s[i:]))
        name = m.group(0)
        if name.startswith("__"):
            raise ValueError("line %d: reserved label name %r" % (ln, name))
        if name in out:
            raise ValueError("line %d: label %r twice" % (ln, name))
        i = m.end()
        if s[i:i + 2] != '="':
            raise ValueError("line %d: want =\" after label %r" % (ln, name))
        i += 2
        val = []
        while True:
            if i >= len(s):
                raise ValueError("line %d: unterminated label value" % ln)
            c = s[i]
            if c == "\\":
                nxt = s[i + 1:i + 2]
                if nxt not in ("\\", '"', "n"):
                    raise ValueError("line %d: bad escape \\%s" % (ln, nxt))
                val.append("\n" if nxt == "n" else nxt)
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == "\n":
                raise ValueError("line %d: newline in label value" % ln)
            else:
                val.append(c)
                i += 1
        out[name] = "".join(val)
        if s[i:i + 1] == ",":
            i += 1
            continue
        if s[i:i + 1] != "}":
            raise ValueError("line %d: want , or } after label value" % ln)


def _family_of(name, types):
    if name in types:
        return name
    for suf in ("_sum", "_count", "_bucket"):
        if name.endswith(suf) and types.get(name[:-len(suf)]) in ("summary", "histogram"):
            return name[:-len(suf)]
    return name


def parse(text):
    if "\r" in text:
        raise ValueError("carriage return in the exposition")
    if text and not text.endswith("\n"):
        raise ValueError("the text does not end with a newline")
    types, helps, samples = {}, {}, {}
    seen_families, current = set(), None
    for ln, line in enumerate(text.split("\n")[:-1], 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                name = parts[2]
                if not NAME.fullmatch(name):
                    raise ValueError("line %d: bad metric name %r" % (ln, name))
                if parts[1] == "HELP":
                    if name in helps:
                        raise ValueError("line %d: second HELP for %s" % (ln, name))
                    help_text = parts[3] if len(parts) > 3 else ""
                    if re.search(r"\\[^\\n]", help_text.replace("\\\\", "")):
                        raise ValueError("line %d: bad escape in HELP" % ln)
                    helps[name] = help_text
                else:
                    if name in types:
                        raise ValueError("line %d: second TYPE for %s" % (ln, name))
                    if len(parts) != 4 or parts[3] not in TYPES:
                        raise ValueError("line %d: bad TYPE line %r" % (ln, line))
                    if name in seen_families:
                        raise ValueError("line %d: TYPE for %s after its samples" % (ln, name))
                    types[name] = parts[3]
            continue
        m = NAME.match(line)
        if not m:
            raise ValueError("line %d: bad metric name in %r" % (ln, line))
        name, i = m.group(0), m.end()
        labels = {}
        if line[i:i + 1] == "{":
            labels, i = _labels(line, i + 1, ln)
        if line[i:i + 1] != " ":
            raise ValueError("line %d: want a space before the value" % ln)
        rest = line[i + 1:].split(" ")
        if len(rest) not in (1, 2) or (len(rest) == 2 and not re.fullmatch(r"-?\d+", rest[1])):
            raise ValueError("line %d: bad value/timestamp %r" % (ln, line[i + 1:]))
        value = _value(rest[0], ln)
        fam = _family_of(name, types)
        if fam != current:
            if fam in seen_families:
                raise ValueError("line %d: samples of %s are not together" % (ln, fam))
            seen_families.add(fam)
            current = fam
        key = (name, frozenset(labels.items()))
        if key in samples:
            raise ValueError("line %d: sample %s%s repeated" % (ln, name, labels))
        if types.get(fam) == "counter":
            if not name.endswith("_total") and name == fam:
                pass
            if value < 0 or math.isnan(value):
                raise ValueError("line %d: counter %s is %r" % (ln, name, value))
        samples[key] = value
    return {"types": types, "helps": helps, "samples": samples}


def value(parsed, name, **labels):
    return parsed["samples"].get((name, frozenset(labels.items())))


def counters_grew(before, after):
    """Every counter sample of `before` is in `after` and not smaller.
    Returns the list of violations."""
    bad = []
    for (name, labels), v in before["samples"].items():
        fam = _family_of(name, before["types"])
        if before["types"].get(fam) != "counter":
            continue
        w = after["samples"].get((name, labels))
        if w is None:
            bad.append("%s%s disappeared" % (name, dict(labels)))
        elif w < v:
            bad.append("%s%s went down %r -> %r" % (name, dict(labels), v, w))
    return bad


if __name__ == "__main__":
    import sys
    p = parse(sys.stdin.read())
    print("%d families, %d samples" % (len(p["types"]), len(p["samples"])))
