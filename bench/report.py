#!/usr/bin/python3
"""report.py - turn script/bench's raw results into bench/results/latest.json
and a table on stdout.

Usage: report.py RESULTS.jsonl NOTES.tsv OUT.json

Every figure in the JSON comes from a measurement in RESULTS.jsonl; what
was not measured is null, and NOTES.tsv (key TAB reason) says why.
Figures from several rounds are medians; ratios are medians of per-round
ratios, each round paired with its own baseline.
"""

import json
import statistics
import sys

MIXES = ("district", "inspected")
CONFIGS = ("none", "null", "guardian", "mimedefang")


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def rnd(x, nd=2):
    return None if x is None else round(x, nd)


def load(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


def notes_of(path):
    notes = {}
    with open(path) as f:
        for line in f:
            if "\t" in line:
                k, v = line.rstrip("\n").split("\t", 1)
                notes.setdefault(k, v)
    return notes


def e2e_summary(recs):
    """{type: {mix: {config: median rate}}}, per-round ratios, CPU"""
    rates, cpu, rounds, rej = {}, {}, {}, {}
    for r in recs:
        if r["kind"] != "e2e":
            continue
        key = (r["type"], r["mix"], r["config"])
        rates.setdefault(key, []).append(r["msgs_per_s"])
        cpu.setdefault(key, []).append(r["filter_cpu_ms_per_msg"])
        rej.setdefault(key, []).append((r.get("rejected"),
                                        r.get("tempfailed"),
                                        r.get("policy_rejects_expected"),
                                        r.get("client_errors")))
        rounds.setdefault((r["type"], r["mix"], r["round"]), {})[
            r["config"]] = r["msgs_per_s"]
    summary = {}
    for (t, mix, cfg), xs in rates.items():
        s = summary.setdefault(t, {}).setdefault(mix, {})
        s[cfg] = {"msgs_per_s": rnd(median(xs), 1),
                  "runs": len(xs),
                  "min": rnd(min(xs), 1), "max": rnd(max(xs), 1),
                  "rejected_per_run": [x[0] for x in rej[(t, mix, cfg)]],
                  "tempfailed_per_run": [x[1] for x in rej[(t, mix, cfg)]],
                  "client_errors_per_run":
                      [x[3] for x in rej[(t, mix, cfg)]],
                  "policy_rejects_expected":
                      rej[(t, mix, cfg)][0][2] if cfg in
                      ("guardian", "mimedefang") else 0,
                  "filter_cpu_ms_per_msg":
                      rnd(median(cpu[(t, mix, cfg)]), 3)
                      if cfg != "none" else None}
    ratios = {}
    pairs = {"guardian_vs_none": ("guardian", "none"),
             "guardian_vs_null": ("guardian", "null"),
             "guardian_vs_mimedefang": ("guardian", "mimedefang"),
             "null_vs_none": ("null", "none"),
             "mimedefang_vs_none": ("mimedefang", "none")}
    for (t, mix, _), byc in rounds.items():
        for name, (a, b) in pairs.items():
            if a in byc and b in byc and byc[b]:
                ratios.setdefault(t, {}).setdefault(mix, {}).setdefault(
                    name, []).append(byc[a] / byc[b])
    for t in ratios:
        for mix in ratios[t]:
            for name, xs in list(ratios[t][mix].items()):
                ratios[t][mix][name] = {
                    "median": rnd(median(xs), 3),
                    "range": [rnd(min(xs), 3), rnd(max(xs), 3)],
                    "rounds": len(xs)}
    return summary, ratios


def milter_summary(recs):
    out = {}
    for r in recs:
        if r["kind"] != "milter":
            continue
        x = r["result"]
        d = out.setdefault(r["filter"], {}).setdefault(
            r["class"], {}).setdefault(r["type"], {})
        d["c%d" % x["concurrency"]] = {
            "p50_ms": x["p50_ms"], "p99_ms": x["p99_ms"],
            "msgs_per_s": x["msgs_per_s"], "messages": x["messages"],
            "filter_cpu_ms_per_msg": x.get("filter_cpu_ms_per_msg"),
            "body_bytes_sent_per_msg":
                round(x["body_bytes_sent"] /
                      max(1, x["messages"] + x["warmup"])),
            "early_accept": x["early_accept"], "accept": x["accept"],
            "reject": x["reject"], "tempfail": x["tempfail"],
            "error": x["error"],
            "negotiated_protocol": x["negotiated_protocol"]}
    return out


def pipeline_summary(recs):
    per_type, rules = {}, {}
    for r in recs:
        if r["kind"] == "pipeline":
            timed = r["total_s"] - r["load_s"]
            ir = (r["total_ir"] - r["load_ir"]
                  if r["total_ir"] is not None and r["load_ir"] is not None
                  else None)
            # The difference of two process timings is noisy for small
            # messages; the instruction count of the message's share is
            # not. Seconds per instruction come from the same process.
            per = (ir * r["total_s"] / r["total_ir"] if ir is not None
                   else timed)
            per_type[r["type"]] = {
                "bytes": r["bytes"],
                "process_s": rnd(r["total_s"], 5),
                "load_s": rnd(r["load_s"], 5),
                "per_message_ms": rnd(per * 1000, 3),
                "per_message_ms_timed": rnd(timed * 1000, 3),
                "msgs_per_s": rnd(1 / per, 0) if per > 0 else None,
                "mb_per_s": rnd(r["bytes"] / per / 1e6, 1) if per > 0
                else None,
                "instructions_per_message": ir,
                "instructions_per_byte": rnd(ir / r["bytes"], 1)
                if ir is not None else None}
        elif r["kind"] == "rules":
            timed = r["total_s"] - r["load_s"]
            per = ((r["total_ir"] - r["load_ir"]) * r["total_s"] /
                   r["total_ir"] if r["total_ir"] and r["load_ir"]
                   else timed)
            rules[r["rules"]] = {
                "load_s": rnd(r["load_s"], 5),
                "per_message_ms": rnd(per * 1000, 3),
                "per_message_ms_timed": rnd(timed * 1000, 3),
                "load_ir": r["load_ir"],
                "per_message_ir": (r["total_ir"] - r["load_ir"]
                                   if r["total_ir"] is not None and
                                   r["load_ir"] is not None else None)}
    return per_type, rules


def main(argv):
    recs = load(argv[1])
    notes = notes_of(argv[2])
    machine = next((r for r in recs if r["kind"] == "machine"), {})
    run = next((r for r in recs if r["kind"] == "run"), {})
    e2e, ratios = e2e_summary(recs)
    milt = milter_summary(recs)
    pipe, rules = pipeline_summary(recs)

    def rate(cfg, mix, t="plain"):
        return e2e.get(t, {}).get(mix, {}).get(cfg, {}).get("msgs_per_s")

    def ratio(name, mix, t="plain"):
        return ratios.get(t, {}).get(mix, {}).get(name, {}).get("median")

    res = {"schema": 1, "mode": run.get("mode"), "commit": run.get("commit"),
           "machine": {k: v for k, v in machine.items() if k != "kind"},
           "e2e_message_type": "plain (4 KB)",
           "sessions": run.get("sessions"),
           "e2e_messages_per_run": run.get("e2e_messages"),
           "e2e_rounds": run.get("e2e_rounds"),
           "run_seconds": run.get("seconds")}
    for cfg in CONFIGS:
        res["postfix_%s_msgs_per_s" % cfg] = {m: rate(cfg, m) for m in MIXES}
    res["ratio_guardian_vs_null"] = ratio("guardian_vs_null", "inspected")
    res["ratio_guardian_vs_none_district_mix"] = ratio("guardian_vs_none",
                                                       "district")
    res["ratio_guardian_vs_mimedefang"] = ratio("guardian_vs_mimedefang",
                                                "inspected")
    res["ratio_null_vs_none"] = {m: ratio("null_vs_none", m) for m in MIXES}
    res["ratio_mimedefang_vs_none"] = {m: ratio("mimedefang_vs_none", m)
                                       for m in MIXES}

    # headline latency: guardian, 20 connections, inspected envelope, the
    # worst of the message types up to 400 KB (the target's scope)
    g = milt.get("guardian", {}).get("family", {})
    p50s = [g[t]["c20"]["p50_ms"] for t in ("plain", "html", "attach")
            if t in g and "c20" in g[t]]
    p99s = [g[t]["c20"]["p99_ms"] for t in ("plain", "html", "attach")
            if t in g and "c20" in g[t]]
    res["latency_p50_ms"] = max(p50s) if len(p50s) == 3 else None
    res["latency_p99_ms"] = max(p99s) if len(p99s) == 3 else None
    n = milt.get("null", {}).get("family", {})
    np99 = [n[t]["c20"]["p99_ms"] for t in ("plain", "html", "attach")
            if t in n and "c20" in n[t]]
    res["null_latency_p99_ms"] = max(np99) if len(np99) == 3 else None
    # guardian minus the null milter, same type, envelope and concurrency
    added = {}
    for t in g:
        for c in ("c1", "c20"):
            if c in g[t] and c in n.get(t, {}):
                added.setdefault(t, {})[c] = {
                    k: rnd(g[t][c][k] - n[t][c][k], 3)
                    for k in ("p50_ms", "p99_ms", "filter_cpu_ms_per_msg")
                    if g[t][c].get(k) is not None and
                    n[t][c].get(k) is not None}
    res["latency_added_vs_null_ms"] = added or None

    tot_b = sum(p["bytes"] for p in pipe.values())
    tot_s = sum(p["per_message_ms"] / 1000 for p in pipe.values()
                if p["per_message_ms"] is not None)
    res["pipeline_mb_per_s"] = (rnd(tot_b / tot_s / 1e6, 1)
                                if pipe and tot_s > 0 else None)
    res["pipeline_msgs_per_s"] = pipe.get("plain", {}).get("msgs_per_s")

    # roster: guardianctl check with the shipped policy and the roster,
    # minus guardianctl check of an empty configuration (start-up)
    roster = {r["persons"]: r for r in recs if r["kind"] == "roster"}
    reval = {r["persons"]: r["result"] for r in recs
             if r["kind"] == "roster_eval"}
    base = roster.get(0)
    rost = {}
    for n, r in sorted(roster.items()):
        if n == 0:
            continue
        e = reval.get(n, {})
        rost[str(n)] = {
            "load_s": rnd(r["seconds"] - (base["seconds"] if base else 0), 2),
            "check_peak_rss_mb": rnd(r["maxrss_kb"] / 1024, 1),
            "daemon_rss_mb": rnd(e["rss_before_kb"] / 1024, 1)
            if e.get("rss_before_kb") else None,
            "daemon_cpu_ms_per_msg": e.get("filter_cpu_ms_per_msg"),
            "daemon_p50_ms": e.get("p50_ms"),
            "daemon_p99_ms": e.get("p99_ms"),
            "modifications_per_msg": rnd(e["modifications"] /
                                         max(1, e["messages"]), 2)
            if e else None}
    res["roster"] = rost or None
    r100 = rost.get("100000", {})
    res["roster_100k_load_s"] = r100.get("load_s")
    res["roster_100k_rss_mb"] = r100.get("daemon_rss_mb")
    res["roster_100k_check_peak_rss_mb"] = r100.get("check_peak_rss_mb")
    r10 = rost.get("26000", {})
    res["roster_10k_students_load_s"] = r10.get("load_s")
    res["roster_10k_students_rss_mb"] = r10.get("daemon_rss_mb")
    ss = next((r for r in recs if r["kind"] == "snapshot_start"), None)
    res["snapshot_start_100k_1000_rules_s"] = ss["seconds"] if ss else None
    rl = next((r for r in recs if r["kind"] == "reload" and
               r.get("persons") == 100000), None)
    res["reload_100k_1000_rules_s"] = rl["seconds"] if rl else None
    res["reload_100k_1000_rules_rss_mb"] = (rnd(rl["rss_kb"] / 1024, 1)
                                            if rl else None)

    hold = {r["filter"]: r["result"] for r in recs if r["kind"] == "hold"}
    res["daemon_rss_100conn_mb"] = (rnd(hold["guardian"]["rss_held_kb"] /
                                        1024, 1)
                                    if "guardian" in hold else None)
    res["null_rss_100conn_mb"] = (rnd(hold["null"]["rss_held_kb"] / 1024, 1)
                                  if "null" in hold else None)
    pk = next((r for r in recs if r["kind"] == "peak4mb"), None)
    if pk is not None:
        x = pk["result"]
        grow = max(x["rss_peak_kb"], x.get("hwm_kb", 0)) - x["rss_before_kb"]
        res["peak_4mb_message_mb"] = rnd(grow / 1024, 1)
        res["peak_4mb_message_copies"] = rnd(grow * 1024 / pk["bytes"], 2)
        res["idle_rss_mb"] = rnd(x["rss_before_kb"] / 1024, 1)
    else:
        res["peak_4mb_message_mb"] = None
        res["peak_4mb_message_copies"] = None

    rel = next((r for r in recs if r["kind"] == "reload" and
                not r.get("persons")), None)
    res["reload_1000_rules_s"] = rel["seconds"] if rel else None
    stop = next((r for r in recs if r["kind"] == "stop"), None)
    res["daemon_stop_s"] = stop["seconds"] if stop else None
    gi = milt.get("guardian", {}).get("internal", {}).get("plain", {})
    gi = gi.get("c20") or gi.get("c1")
    res["guardian_early_accept_share_internal"] = (
        rnd(gi["early_accept"] / max(1, gi["messages"]), 3) if gi else None)
    det = next((r for r in recs if r["kind"] == "detect"), {})
    for k in ("detect_mb_per_s", "detect_mb_per_s_median", "detect_rules",
              "detect_students", "detect_pcre_only", "detect_hs_compile_s",
              "detect_roster_build_s", "detect_roster_build_100k_s",
              "detect_roster_persons_big"):
        res[k] = det.get(k)
    prof = next((r for r in recs if r["kind"] == "profile"), None)
    res["profile_daemon"] = ({"what": prof["what"], "top": prof["top"]}
                             if prof else None)
    res["e2e"] = e2e
    res["ratios"] = ratios
    res["milter_alone"] = milt
    res["pipeline"] = pipe
    res["pipeline_rules"] = rules

    # why things are null
    why = dict(notes)
    for k, v in list(res.items()):
        if v is None and k not in why:
            if k.startswith("roster"):
                why[k] = notes.get("roster", "not measured")
            elif k.startswith("detect"):
                why[k] = notes.get("detect", "not measured")
            elif k.startswith("pipeline"):
                why[k] = notes.get("pipeline", "not measured")
            elif "mimedefang" in k:
                why[k] = notes.get("mimedefang", notes.get(
                    "postfix_mimedefang", "not measured"))
            elif "guardian" in k or k.startswith("latency") or \
                    k.startswith("daemon") or k.startswith("peak"):
                why[k] = notes.get("guardian", notes.get(
                    "resources", notes.get("postfix_guardian",
                                           "not measured")))
            else:
                why[k] = "not measured"
    res["notes"] = why

    # targets of the issue, for orientation (not asserted)
    def tgt(value, ok):
        return {"value": value,
                "met": None if value is None else bool(ok(value))}
    res["targets"] = {
        "district_mix_guardian_vs_none>=0.95":
            tgt(res["ratio_guardian_vs_none_district_mix"],
                lambda v: v >= 0.95),
        "inspected_mix_guardian_vs_null>=0.95":
            tgt(res["ratio_guardian_vs_null"], lambda v: v >= 0.95),
        "inspected_mix_guardian_vs_mimedefang>=2":
            tgt(res["ratio_guardian_vs_mimedefang"], lambda v: v >= 2),
        "latency_p99_ms<=5": tgt(res["latency_p99_ms"], lambda v: v <= 5),
        "daemon_rss_100conn_mb<=100": tgt(res["daemon_rss_100conn_mb"],
                                          lambda v: v <= 100),
        "roster_100k_rss_mb<=150": tgt(res["roster_100k_rss_mb"],
                                       lambda v: v <= 150),
        "reload_100k_1000_rules_s<=2":
            tgt(res.get("reload_100k_1000_rules_s"), lambda v: v <= 2),
    }

    with open(argv[3], "w") as f:
        json.dump(res, f, indent=2, sort_keys=False)
        f.write("\n")
    print_table(res)
    return 0


def fmt(v, unit=""):
    if v is None:
        return "not measured"
    return "%s%s" % (v, unit)


def print_table(res):
    m = res["machine"]
    print("\nguardian-milter benchmark (%s mode, commit %s)" %
          (res["mode"], res["commit"]))
    print("machine: %s, %s cores, %s GB, %s, Postfix %s, MIMEDefang %s" %
          (m.get("cpu"), m.get("cores"), m.get("memory_gb"), m.get("os"),
           m.get("postfix"), m.get("mimedefang")))
    print("\n1. Postfix end to end: messages/second (median of %s rounds, "
          "%s messages, %s smtp-source sessions)" %
          (res["e2e_rounds"], res["e2e_messages_per_run"], res["sessions"]))
    print("   %-7s %-10s %10s %10s %10s %10s   %7s %7s %7s" %
          ("type", "mix", "none(0)", "null(a)", "guard(b)", "mimedef(c)",
           "b/0", "b/a", "b/c"))
    for t, mixes in res["e2e"].items():
        for mix in MIXES:
            if mix not in mixes:
                continue
            row = mixes[mix]
            rat = res["ratios"].get(t, {}).get(mix, {})

            def c(cfg):
                return fmt(row.get(cfg, {}).get("msgs_per_s"))

            def r(name):
                return fmt(rat.get(name, {}).get("median"))
            print("   %-7s %-10s %10s %10s %10s %10s   %7s %7s %7s" %
                  (t, mix, c("none"), c("null"), c("guardian"),
                   c("mimedefang"), r("guardian_vs_none"),
                   r("guardian_vs_null"), r("guardian_vs_mimedefang")))
    for t, mixes in res["e2e"].items():
        for mix in MIXES:
            if mix in mixes:
                cpu = ", ".join(
                    "%s %s" % (cfg, fmt(mixes[mix][cfg]
                                        ["filter_cpu_ms_per_msg"]))
                    for cfg in ("null", "guardian", "mimedefang")
                    if cfg in mixes[mix])
                print("   filter CPU ms/message, %s %s: %s" % (t, mix, cpu))
    if not res["e2e"]:
        print("   not measured: %s" % res["notes"].get(
            "postfix", "see notes"))

    print("\n2. Milter alone (own protocol driver, one connection per "
          "message): latency ms p50 / p99")
    print("   %-10s %-8s %-7s %18s %18s %12s %10s" %
          ("filter", "envelope", "type", "1 connection", "20 connections",
           "CPU ms/msg", "body sent"))
    for filt, classes in res["milter_alone"].items():
        for cls, types in classes.items():
            for t, d in types.items():
                c1, c20 = d.get("c1", {}), d.get("c20", {})
                print("   %-10s %-8s %-7s %18s %18s %12s %10s" % (
                    filt, cls, t,
                    "%s / %s" % (c1.get("p50_ms"), c1.get("p99_ms")),
                    "%s / %s" % (c20.get("p50_ms"), c20.get("p99_ms")),
                    c20.get("filter_cpu_ms_per_msg"),
                    c20.get("body_bytes_sent_per_msg")))
    if not res["milter_alone"]:
        print("   not measured")

    print("\n3. Pipeline alone (guardianctl test, one process per message, "
          "minus guardianctl check)")
    for t, p in res["pipeline"].items():
        print("   %-7s %8d bytes: %s ms/message, %s msg/s, %s MB/s, "
              "%s instructions/message" % (
                  t, p["bytes"], p["per_message_ms"], p["msgs_per_s"],
                  p["mb_per_s"], p["instructions_per_message"]))
    for n, p in res["pipeline_rules"].items():
        print("   rules %-6s load %s s (%s instr), evaluate %s ms (%s instr)"
              % (n, p["load_s"], p["load_ir"], p["per_message_ms"],
                 p["per_message_ir"]))
    if not res["pipeline"]:
        print("   not measured: %s" % res["notes"].get("pipeline", "?"))

    print("\n4. Resources")
    print("   daemon RSS with 100 connections in flight: %s (null milter %s)"
          % (fmt(res["daemon_rss_100conn_mb"], " MB"),
             fmt(res["null_rss_100conn_mb"], " MB")))
    print("   memory growth for one 4 MB message: %s (%s times the message)"
          % (fmt(res["peak_4mb_message_mb"], " MB"),
             fmt(res["peak_4mb_message_copies"])))
    print("   reload (SIGHUP to the new generation's log line), 1,000 rules: "
          "%s" % fmt(res.get("reload_1000_rules_s"), " s"))
    print("   time for guardian-milter to stop on SIGTERM after the load: %s"
          % fmt(res["daemon_stop_s"], " s"))
    print("   staff-to-staff messages accepted before the header/body "
          "crossed the socket: %s" %
          fmt(res["guardian_early_accept_share_internal"]))
    print("   roster (shipped policy; load = guardianctl check minus an empty "
          "configuration; daemon: idle RSS, one message staff->student):")
    for n, r in (res.get("roster") or {}).items():
        print("   %7s persons: load %s s, check peak %s MB, daemon RSS %s MB,"
              " %s ms CPU/msg, p50 %s ms, %s changes/msg" % (
                  n, r["load_s"], r["check_peak_rss_mb"], r["daemon_rss_mb"],
                  r["daemon_cpu_ms_per_msg"], r["daemon_p50_ms"],
                  r["modifications_per_msg"]))
    if not res.get("roster"):
        print("   roster: not measured: %s" % res["notes"].get("roster", "?"))
    print("   100,000 persons + 1,005 rules: start %s, SIGHUP reload %s "
          "(RSS after %s)" % (
              fmt(res.get("snapshot_start_100k_1000_rules_s"), " s"),
              fmt(res.get("reload_100k_1000_rules_s"), " s"),
              fmt(res.get("reload_100k_1000_rules_rss_mb"), " MB")))

    if res.get("profile_daemon"):
        print("\n   where guardian-milter spends its CPU (%s):" %
              res["profile_daemon"]["what"])
        for row in res["profile_daemon"]["top"][:8]:
            print("   %6.2f%%  %-28s %s" % (row["self_percent"], row["dso"],
                                          row["symbol"]))

    print("\n5. Headline figures and targets")
    for k, v in res["targets"].items():
        print("   %-42s %-14s %s" % (k, fmt(v["value"]),
                                     {True: "met", False: "MISSED",
                                      None: ""}[v["met"]]))
    if res["notes"]:
        print("\nNot measured / notes:")
        for k, v in res["notes"].items():
            print("   %s: %s" % (k, v))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
