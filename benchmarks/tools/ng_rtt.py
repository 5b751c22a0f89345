#!/usr/bin/env python3
"""The round trip of rtpengine's ng control protocol in a capture (tcpdump -i lo -w FILE udp port PORT):
each command (a datagram to PORT) is paired with its answer (a datagram from PORT) by its cookie, the
text before the first space. Prints the count and the p50/p99 in milliseconds, per command and for all."""
import struct
import sys


def packets(path):
    with open(path, 'rb') as f:
        header = f.read(24)
        magic = struct.unpack('<I', header[:4])[0]
        endian = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
        nanos = struct.unpack(endian + 'I', header[:4])[0] == 0xa1b23c4d
        link = struct.unpack(endian + 'I', header[20:24])[0]
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, incl, _ = struct.unpack(endian + 'IIII', rec)
            data = f.read(incl)
            at = sec + frac / (1e9 if nanos else 1e6)
            off = 14 if link == 1 else (16 if link == 113 else 4 if link == 0 else 0)
            ip = data[off:]
            if not ip or ip[0] >> 4 != 4:
                continue
            ihl = (ip[0] & 0x0f) * 4
            udp = ip[ihl:]
            sport, dport = struct.unpack('>HH', udp[:4])
            yield at, sport, dport, udp[8:]


def percentile(values, p):
    values = sorted(values)
    return values[max(0, min(len(values) - 1, (len(values) * p + 99) // 100 - 1))]


def main():
    path, port = sys.argv[1], int(sys.argv[2])
    sent = {}
    rtts = {}
    for at, sport, dport, payload in packets(path):
        cookie, _, body = payload.partition(b' ')
        if dport == port:
            marker = body.find(b'7:command')
            command = 'other'
            if marker >= 0:
                rest = body[marker + 9:]
                length, _, rest = rest.partition(b':')
                command = rest[:int(length)].decode('ascii', 'replace') if length.isdigit() else 'other'
            sent[cookie] = (at, command)
        elif sport == port and cookie in sent:
            start, command = sent.pop(cookie)
            rtts.setdefault(command, []).append((at - start) * 1000)
    everything = [v for vs in rtts.values() for v in vs]
    if not everything:
        print('ng_rtt: no command answered in the capture')
        return
    parts = ['ng round trip: %d commands p50=%.2f ms p99=%.2f ms' % (len(everything), percentile(everything, 50), percentile(everything, 99))]
    for command in sorted(rtts):
        v = rtts[command]
        parts.append('%s %d p50=%.2f p99=%.2f' % (command, len(v), percentile(v, 50), percentile(v, 99)))
    print('; '.join(parts))


if __name__ == '__main__':
    main()
