#!/usr/bin/env python3
"""Recomputes Jobflow's audit hash chain from journal rows, independently of Jobflow (docs/audit.md).
Input on stdin, one row per line, in sequence order:  persistence_id <TAB> sequence_number <TAB>
event_ser_manifest <TAB> hex(event_payload). Standard library only."""
import hashlib, json, struct, sys

def cbor(b, i=0):
    """Decodes one CBOR item at b[i:]; returns (value, next index). Enough of RFC 8949 for Jackson's CBOR."""
    ib = b[i]; major, info = ib >> 5, ib & 31; i += 1
    if major == 7:
        if info == 20: return False, i
        if info == 21: return True, i
        if info in (22, 23): return None, i
        if info == 25: return struct.unpack(">e", b[i:i+2])[0], i + 2
        if info == 26: return struct.unpack(">f", b[i:i+4])[0], i + 4
        if info == 27: return struct.unpack(">d", b[i:i+8])[0], i + 8
        raise ValueError("simple value %d" % info)
    if info < 24: n = info
    elif info == 31: n = None  # indefinite length
    else:
        size = 1 << (info - 24); n = int.from_bytes(b[i:i+size], "big"); i += size
    if major == 0: return n, i
    if major == 1: return -1 - n, i
    if major in (2, 3):
        if n is None:
            parts = []
            while b[i] != 0xff:
                part, i = cbor(b, i); parts.append(part)
            data = (b"" if major == 2 else "").join(parts); return data, i + 1
        data = b[i:i+n]; return (data if major == 2 else data.decode("utf-8")), i + n
    if major == 4:
        out = []
        while (n is None and b[i] != 0xff) or (n is not None and len(out) < n):
            v, i = cbor(b, i); out.append(v)
        return out, i + (1 if n is None else 0)
    if major == 5:
        out, count = {}, 0
        while (n is None and b[i] != 0xff) or (n is not None and count < n):
            k, i = cbor(b, i); v, i = cbor(b, i); out[k] = v; count += 1
        return out, i + (1 if n is None else 0)
    if major == 6: return cbor(b, i)  # tags: the value is what counts
    raise ValueError("major type %d" % major)

def without_nulls(v):
    if isinstance(v, dict): return {k: without_nulls(x) for k, x in v.items() if x is not None}
    if isinstance(v, list): return [without_nulls(x) for x in v]
    return v

def canonical(event_type, event):
    return json.dumps({"event": without_nulls(event), "type": event_type}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False)

def sha(text): return hashlib.sha256(text.encode("utf-8")).hexdigest()

previous = None
for line in sys.stdin:
    pid, seq, manifest, payload = line.rstrip("\n").split("\t")
    event, _ = cbor(bytes.fromhex(payload))
    linked = event["meta"].get("previousHash")
    expected = sha(pid) if seq == "1" else previous
    print(seq, manifest.rsplit("$", 1)[-1], "ok" if linked == expected else "BROKEN")
    previous = sha((linked or "") + canonical(manifest.rsplit("$", 1)[-1], event))
print("head", previous)
