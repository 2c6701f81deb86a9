"""The certificates benchmark's markdown report."""
from __future__ import annotations

import os
import statistics

from bench.certificates_bulk import BulkRun
from bench.certificates_checks import Verdict
from bench.certificates_seed import WARMUP
from bench.certificates_single import HttpRuns, Series
from bench.measures import percentile


def mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


def row(label: str, value: str) -> str:
    return f"| {label} | {value} |"


def report(args, url: str, seeded_in: float, baseline: Series, direct: Series,
           direct_renders: list[float], http: HttpRuns | None, run: BulkRun, verdict: Verdict,
           pages: list[Series], probes: list[dict]) -> list[str]:
    from academy.certificates.rendering import has_fast_subsetter

    cores = os.cpu_count() or 1
    renderers = (f"{run.workers} render processes" if run.workers > 1
                 else "1 render process (in the job process, no pool)")
    title = (f"## Certificates benchmark ({url.split(':')[0]}, {cores} cores, "
             f"{len(run.batches)} batches, {renderers})")
    seeded = (f"Seeded {args.trainees + 2 * (args.runs + WARMUP):,} trainees with completed "
              f"enrolments in {seeded_in:.1f} s; HarfBuzz subsetter "
              f"{'present' if has_fast_subsetter() else 'MISSING'}.")
    lines = [title, "", seeded, "",
             "### One certificate, request to PDF bytes", "",
             "| measure | median ms | p95 ms | x baseline (median / p95) | n |",
             "|---|---:|---:|---:|---:|",
             baseline.row(), direct.row(baseline),
             Series("  of which render_pdf (WeasyPrint)", direct_renders).row()]
    if http:
        polls = (f"Job pages polled every {args.poll * 1000:.0f} ms: "
                 f"{statistics.median(http.polls):.0f} polls per certificate (median).")
        lines += [http.total.row(baseline), http.post.row(), http.poll.row(),
                  http.download.row(), http.job.row(), "", polls]
    lines += bulk_lines(args, run)
    lines += output_lines(verdict, pages, baseline)
    lines += check_lines(verdict)
    lines += probe_lines(probes)
    lines += target_lines(args, run, verdict, probes)
    return lines


def bulk_lines(args, run: BulkRun) -> list[str]:
    """The bulk job's times, batches, CPU, memory and the serial counter's waits."""
    cores = os.cpu_count() or 1
    issued = sum(b.issued for b in run.batches)
    renders = [b.render_end - b.render_start for b in run.batches if b.render_end]
    drafts = [b.render_start - b.start for b in run.batches if b.render_start]
    finishes = [b.end - b.render_end for b in run.batches if b.render_end]
    waits = [b.waited for b in run.batches]
    first = (run.batches[0].end - run.batches[0].start) * 1000 if run.batches else 0

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000 if values else 0:,.0f} ms"

    lines = ["", f"### Bulk job: {args.trainees:,} enrolments", "",
              "| measure | value |", "|---|---:|",
              row("job status", run.status + (f": {run.error}" if run.error else "")),
              row("certificates issued / skipped",
                  f"{run.result.get('issued', 0):,} / {run.result.get('skipped', 0):,}"),
              row("**issuing wall time** (batches)", f"**{run.issuing_s:,.1f} s**"),
              row("build_downloads (zip + merged PDF)", f"{run.downloads_s:,.1f} s"),
              row("**whole job** (runner.run)", f"**{run.total_s:,.1f} s**"),
              row("certificates per second (issuing / whole job)",
                  f"{issued / max(run.issuing_s, 1e-9):,.1f} / "
                  f"{issued / max(run.total_s, 1e-9):,.1f}"),
              row("ms per certificate (issuing / whole job)",
                  f"{run.issuing_s * 1000 / max(1, issued):,.1f} / "
                  f"{run.total_s * 1000 / max(1, issued):,.1f}"),
              row("first batch" + (" (includes starting the pool)" if run.worker_rss else ""),
                  f"{first:,.0f} ms")]
    if renders:
        size = run.batches[0].issued
        lines += [row(f"per batch of {size}, median: drafting (queries, HTML, QR)", ms(drafts)),
                  row("per batch, median: from handing it over to its PDFs back (the next "
                      "batch is drafted meanwhile)", ms(renders)),
                  row("per batch, median: the job waiting for its PDFs", ms(waits)),
                  row("per batch, median: storing PDFs + flush + audit", ms(finishes)),
                  row("share of the issuing time the job waited for renders",
                      f"{100 * sum(waits) / max(run.issuing_s, 1e-9):.0f} %")]
    if run.worker_rss:
        render_cpu = row("render workers' CPU per certificate",
                         f"{1000 * run.cpu['workers'] / max(1, issued):,.0f} ms")
    else:
        render_cpu = row("render time per certificate (in the job process)",
                         f"{1000 * sum(renders) / max(1, issued):,.0f} ms")
    others_share = 100 * run.cpu["others"] / max(1e-9, run.total_s * cores)
    lines += [row("SQL statements: issuing / downloads",
                  f"{run.statements:,} ({run.statements / max(1, issued):.1f} per certificate) "
                  f"/ {run.download_statements:,}"),
              row("CPU: job process / render workers / PostgreSQL",
                  f"{run.cpu['main']:,.1f} s / {run.cpu['workers']:,.1f} s / "
                  f"{run.cpu['postgres']:,.1f} s"),
              render_cpu,
              row("machine busy during the job",
                  f"{100 * run.cpu['machine_busy']:.0f} % of {cores} cores; other processes "
                  f"used {run.cpu['others']:,.1f} s of CPU ({others_share:.0f} % of the "
                  f"machine)"),
              row("job process RSS: before / end of issuing / end / peak"
                  + ("" if run.peak_was_reset else " (lifetime)"),
                  f"{mib(run.main_start_kib)} / {mib(run.main_before_downloads_kib)} / "
                  f"{mib(run.main_end_kib)} / {mib(run.main_peak_kib)}")]
    for n, (_pid, (after_first, last, peak)) in enumerate(sorted(run.worker_rss.items()), 1):
        lines.append(row(f"worker {n} RSS: after batch 1 / end / peak (growth)",
                         f"{mib(after_first)} / {mib(last)} / {mib(peak)} "
                         f"({(last - after_first) / 1024:+,.1f} MiB)"))
    if run.lock_waits:
        lines.append(row("another issuer's wait for the serial counter meanwhile: median / "
                         "p95 / max",
                         f"{statistics.median(run.lock_waits):,.0f} / "
                         f"{percentile(run.lock_waits, 0.95):,.0f} / "
                         f"{max(run.lock_waits):,.0f} ms (n={len(run.lock_waits)})"))
    if run.lock_failures:
        waited = [ms_ for ms_, _error in run.lock_failures]
        errors = "; ".join(sorted({error for _ms, error in run.lock_failures}))
        lines.append(row("another issuer's attempts that FAILED meanwhile",
                         f"{len(waited)}, after waiting {min(waited) / 1000:,.1f} to "
                         f"{max(waited) / 1000:,.1f} s: {errors}"))
    return lines


def output_lines(verdict: Verdict, pages: list[Series], baseline: Series) -> list[str]:
    """The PDFs' sizes, the downloads, and the pages after the job."""
    sizes = verdict.sizes or [0]
    lines = [row("PDF size: mean / min / max",
                  f"{statistics.mean(sizes) / 1024:,.1f} / {min(sizes) / 1024:,.1f} / "
                  f"{max(sizes) / 1024:,.1f} KiB"),
              row("zip of the PDFs",
                  f"{verdict.zip_size / 2**20:,.1f} MiB, {verdict.zip_entries:,} files"),
              row("merged PDF for printing",
                  f"{verdict.merged_size / 2**20:,.1f} MiB, {verdict.merged_pages:,} pages")]
    if pages:
        header = ("| after the job, through the test client | median ms | p95 ms "
                  "| x baseline (median / p95) | n |")
        lines += ["", header, "|---|---:|---:|---:|---:|",
                  *[series.row(baseline) for series in pages]]

    return lines


def check_lines(verdict: Verdict) -> list[str]:
    counted = (f"- {verdict.certificates:,} certificates, {verdict.distinct_serials:,} "
               f"distinct serials, {verdict.distinct_codes:,} distinct codes, "
               f"{verdict.audit_events:,} audit events")
    hashed = ("- stored PDFs whose SHA-256 or size differs from the record: "
              f"{verdict.hash_mismatches}; missing: {verdict.missing_files}")
    return ["", "### Checks", "", counted, hashed, *[f"- {entry}" for entry in verdict.sample]]


def probe_lines(probes: list[dict]) -> list[str]:
    lines: list[str] = []
    if probes:
        base = statistics.median(probes[0]["ms"])
        heading = (f"### Renderer probes ({len(probes[0]['ms'])} PDFs each, one fresh "
                   "process per renderer, taking turns)")
        header = ("| renderer | median ms | p95 ms | x as configured "
                  "| RSS after 1st PDF / end (growth) | mean PDF size |")
        lines += ["", heading, "", header, "|---|---:|---:|---:|---:|---:|"]
        for found in probes:
            median = statistics.median(found["ms"])
            growth = (found["rss_end"] - found["rss_first"]) / 1024
            lines.append(f"| {found['mode']} | {median:,.1f} | "
                         f"{percentile(found['ms'], 0.95):,.1f} | x{median / base:.1f} | "
                         f"{mib(found['rss_first'])} / {mib(found['rss_end'])} "
                         f"({growth:+,.1f} MiB) | {found['size'] / 1024:,.1f} KiB |")

    return lines


def target_lines(args, run: BulkRun, verdict: Verdict, probes: list[dict]) -> list[str]:
    """The target's verdict, and the throughput against WeasyPrint's default call."""
    issued = sum(b.issued for b in run.batches)
    under = run.total_s < 60
    met = run.status == "finished" and under and not verdict.problems
    verdict_line = (f"**Target**: {issued:,} certificates in {run.total_s:,.1f} s (issuing "
                    f"{run.issuing_s:,.1f} s + downloads {run.downloads_s:,.1f} s) "
                    f"{'<' if under else '>='} 60 s; problems: "
                    f"{'; '.join(verdict.problems) or 'none'} -> "
                    f"**{'MET' if met else 'NOT MET'}**")
    if args.trainees != 1000:
        verdict_line += f" (with {args.trainees:,} certificates, not 1,000)"
    lines = ["", verdict_line]
    default = next((found for found in probes if found["mode"] == "fresh-fonts"), None)
    if default and issued:
        # Issue 14: the whole job against one process making the same certificates one by one
        # with WeasyPrint's default call (a new font configuration per PDF), in this run.
        per_certificate = run.total_s * 1000 / issued
        speedup = statistics.median(default["ms"]) / per_certificate
        lines.append(f"**Throughput against one process with WeasyPrint's default call**: "
                     f"{per_certificate:,.1f} ms a certificate for the whole job, "
                     f"{statistics.median(default['ms']):,.1f} ms a PDF for the default call: "
                     f"x{speedup:.2f} (target x2.5: **{'MET' if speedup >= 2.5 else 'NOT MET'}**)")
    return lines
