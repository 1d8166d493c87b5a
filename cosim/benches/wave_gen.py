#!/usr/bin/env python3
"""Writes a large, valid VCD for the `neuroxbar wave` reader benchmark.

usage: wave_gen.py OUT.vcd [MEGABYTES] [SEED]

The file looks like a Verilator dump of a 10 ns clocked design: 1 ps
timescale, scopes TOP.top.{core,xbar,host}, 200 signals (1-bit, 8-bit,
16-bit, 32-bit, one real), a timestamp every 5000 ps (half a clock), the clock
toggling at each and a random tenth of the other signals changing. Everything
comes from SEED (default 1), so the same arguments give the same bytes.
"""

import random
import sys


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    megabytes = float(sys.argv[2]) if len(sys.argv) > 2 else 200.0
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)

    def code(i: int) -> str:
        # VCD identifier codes: printable ASCII 33..126, shortest first.
        s = ""
        i += 1
        while i > 0:
            i -= 1
            s += chr(33 + i % 94)
            i //= 94
        return s

    widths = [1] * 80 + [8] * 60 + [16] * 40 + [32] * 19
    signals = [("clock", 1, "wire")]
    scopes = ["core", "xbar", "host"]
    for i, w in enumerate(widths):
        signals.append((f"{scopes[i % 3]}.s{i}", w, "wire"))
    signals.append(("xbar.v_line", 64, "real"))
    ids = [code(i) for i in range(len(signals))]

    with open(out, "w", encoding="ascii", newline="\n") as f:
        f.write("$date bench $end\n$version wave_gen.py $end\n$timescale 1ps $end\n")
        f.write("$scope module TOP $end\n$scope module top $end\n")
        f.write(f"$var wire 1 {ids[0]} clock $end\n")
        for sc in scopes:
            f.write(f"$scope module {sc} $end\n")
            for (name, w, kind), ident in zip(signals, ids):
                if name.startswith(sc + "."):
                    rng_part = f" [{w - 1}:0]" if w > 1 and kind != "real" else ""
                    f.write(f"$var {kind} {w} {ident} {name.split('.')[1]}{rng_part} $end\n")
            f.write("$upscope $end\n")
        f.write("$upscope $end\n$upscope $end\n$enddefinitions $end\n")

        def value(k: int) -> str:
            _, w, kind = signals[k]
            if kind == "real":
                return f"r{rng.uniform(-1.0, 1.0):.6g} {ids[k]}"
            if w == 1:
                return f"{rng.randint(0, 1)}{ids[k]}"
            return f"b{rng.getrandbits(w):b} {ids[k]}"

        f.write("#0\n$dumpvars\n")
        f.write("".join(value(k) + "\n" for k in range(len(signals))))
        f.write("$end\n")
        written = f.tell()
        t = 0
        clock = 0
        n = len(signals)
        while written < target:
            t += 5000
            clock ^= 1
            lines = [f"#{t}", f"{clock}{ids[0]}"]
            for k in rng.sample(range(1, n), n // 10):
                lines.append(value(k))
            chunk = "\n".join(lines) + "\n"
            f.write(chunk)
            written += len(chunk)


if __name__ == "__main__":
    main()
