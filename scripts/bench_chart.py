#!/usr/bin/python3
"""Draws the figures of `make bench` as one PNG, from the JSON that tame-bench writes:
the boot series through the full top (time against image size, and peak memory), the
Verilator speed of each simulated top, and the model's sealing speed against OpenSSL.

    /usr/bin/python3 scripts/bench_chart.py build/bench/report.json --out build/bench/report.png

It needs matplotlib, which `scripts/setup.sh bench` installs from Debian, for Debian's
python3 (/usr/bin/python3).
"""
import argparse
import pathlib
import sys

try:
    import matplotlib
except ImportError:
    sys.exit(f"bench_chart: {sys.executable} has no matplotlib: scripts/setup.sh bench installs "
             "Debian's, for /usr/bin/python3")

matplotlib.use("Agg")  # writes files only: the build machines have no display
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)


sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from bench_report import Report  # noqa: E402  (one reader of the report for both scripts)


def draw_boot_series(ax, report):
    rows = report.rows("rtl_top_boot_series")
    mib, seconds, rss, rate = (
        [report.get(key, node=row, where=where) for row, where in rows]
        for key in ("image_mib", "wall_seconds", "peak_rss_mib", "megabytes_per_second"))

    ax.plot(mib, seconds, "o-", color="tab:blue", label="wall seconds")
    # A line through the origin and the largest boot: points on it mean cost in
    # proportion to image size.
    biggest = max(range(len(mib)), key=lambda i: mib[i])
    ax.plot([0, mib[biggest]], [0, seconds[biggest]], "--", color="tab:blue", alpha=0.4,
            label="proportional to size")
    for x, y, r in zip(mib, seconds, rate):
        ax.annotate(f"{r:.2f} MB/s", (x, y), textcoords="offset points", xytext=(4, -12), fontsize=8)
    ax.set_xlabel("image booted (MiB)")
    ax.set_ylabel("wall seconds", color="tab:blue")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)

    mem = ax.twinx()
    mem.plot(mib, rss, "s-", color="tab:red", label="peak RSS")
    mem.set_ylabel("peak resident memory (MiB)", color="tab:red")
    mem.set_ylim(0, max(rss) * 2)  # room above, so a flat line looks flat
    lines = ax.get_legend_handles_labels(), mem.get_legend_handles_labels()
    ax.legend(lines[0][0] + lines[1][0], lines[0][1] + lines[1][1], loc="upper left", fontsize=8)
    ax.set_title("(a) boot through tame_top, one process per size")


def draw_cycles_per_second(ax, report):
    speeds = report.get("verilator_cycles_per_second")
    if not isinstance(speeds, dict) or not speeds:
        sys.exit(f"bench_chart: {report.path}: field 'verilator_cycles_per_second' should be a "
                 "non-empty object")
    names = list(speeds)
    mcps = [speeds[n] / 1e6 for n in names]
    bars = ax.barh(names, mcps, color="tab:green")
    ax.invert_yaxis()  # in the order the bench ran them, top to bottom
    ax.set_xscale("log")  # the tops span some forty times in speed
    ax.bar_label(bars, labels=[f"{m:.3g}" for m in mcps], padding=3, fontsize=8)
    ax.set_xlim(right=max(mcps) * 4)
    ax.set_xlabel("Verilator M cycles per second (log scale)")
    ax.set_title("(b) simulation speed of each top, one thread")


def draw_model_vs_openssl(ax, report):
    ciphers = ["aes-128-ctr", "aes-256-ctr"]
    series = [("model, 4 KiB pages", "model_bytes_per_second_4k_pages", "tab:orange"),
              ("model, 16 KiB runs", "model_bytes_per_second_16k_runs", "tab:purple"),
              ("openssl speed -evp, 16 KiB", "openssl_speed_evp_bytes_per_second_16k", "tab:gray")]
    width = 0.8 / len(series)
    tallest = [0.0] * len(ciphers)
    for i, (label, key, color) in enumerate(series):
        values = [report.get("model_ctr", c, key) / 1e6 for c in ciphers]
        xs = [c + (i - 1) * width for c in range(len(ciphers))]
        bars = ax.bar(xs, values, width, label=label, color=color)
        ax.bar_label(bars, labels=[f"{v:.0f}" for v in values], padding=2, fontsize=7)
        tallest = [max(t, v) for t, v in zip(tallest, values)]
    for c, cipher in enumerate(ciphers):
        ratio = report.get("model_ctr", cipher, "ratio_16k")
        ax.annotate(f"16 KiB model / openssl = {ratio:.2f}", (c, tallest[c]), textcoords="offset points",
                    xytext=(0, 16), ha="center", fontsize=9)
    ax.set_xticks(range(len(ciphers)), [c.upper() for c in ciphers])
    ax.set_ylabel("MB/s")
    ax.set_ylim(top=max(tallest) * 1.3)  # room for the ratio and the legend
    ax.legend(fontsize=8, loc="upper right")
    ax.set_title("(c) the model's sealing speed against OpenSSL")


def main():
    parser = argparse.ArgumentParser(description="Draws tame-bench's report.json as a PNG chart.")
    parser.add_argument("report", help="the JSON that tame-bench --json wrote")
    parser.add_argument("--out", default="build/bench/report.png", help="the PNG to write")
    args = parser.parse_args()

    report = Report(args.report, prog="bench_chart")
    machine = (report.get("machine", "date"), report.get("machine", "cpu"), report.get("machine", "cores"))

    fig, axes = plt.subplots(1, 3, figsize=(18, 5.5), constrained_layout=True)
    draw_boot_series(axes[0], report)
    draw_cycles_per_second(axes[1], report)
    draw_model_vs_openssl(axes[2], report)
    fig.suptitle(f"TAME make bench, {machine[0]}, {machine[1]}, {machine[2]} cores", fontsize=13)
    try:
        fig.savefig(args.out, dpi=100)
    except OSError as e:
        sys.exit(f"bench_chart: cannot write {args.out}: {e}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
