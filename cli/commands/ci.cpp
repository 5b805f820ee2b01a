// layerscope ci ARCHIVE [IMAGE] [--lowest-efficiency F] [--highest-wasted-bytes N]
//   [--highest-user-wasted-percent F] [--fail-on SEVERITY] [--config FILE]:
// dive's CI gate. Rules come from dive's defaults, then the .dive-ci file
// (--config FILE, else ./.dive-ci when present), then the flags; each prints
// PASS, FAIL or SKIP. Exit 1 when a rule fails, 2 for a bad flag or rules file.
#include <sys/stat.h>

#include <cstdio>

#include "dive_ci.h"
#include "findings_text.h"
#include "output.h"

namespace lscli {
namespace {

struct Tally {
  int passed = 0, failed = 0, skipped = 0;
  void line(const char* status, const std::string& rule, const std::string& text) {
    std::printf("  %-4s  %s: %s\n", status, rule.c_str(), text.c_str());
  }
};

std::string num(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.4f", v);
  return b;
}

// One threshold rule: `bad` says whether `actual` fails it.
void check(Tally* t, const char* rule, const CiThreshold& th, double actual, bool bad, const std::string& shown,
           const char* cmp_ok, const char* cmp_bad) {
  std::string limit = th.disabled ? "disabled" : shown;
  if (th.disabled) {
    ++t->skipped;
    t->line("SKIP", rule, "disabled (" + th.origin + ")");
  } else if (bad) {
    ++t->failed;
    t->line("FAIL", rule, num(actual) + " " + cmp_bad + " " + limit + " (" + th.origin + ")");
  } else {
    ++t->passed;
    t->line("PASS", rule, num(actual) + " " + cmp_ok + " " + limit + " (" + th.origin + ")");
  }
}

int load_rules(const Args& a, CiRules* rules) {
  std::string file = a.value("--config");
  struct stat st;
  if (file.empty() && ::stat(".dive-ci", &st) == 0) file = ".dive-ci";
  if (!file.empty()) {
    Status s = read_dive_ci(file, rules);
    if (!s.ok()) return usage_error(s.error().to_string(), a.command);
  }
  struct Flag {
    const char* name;
    CiThreshold* t;
    bool bytes;
  } flags[] = {{"--lowest-efficiency", &rules->lowest_efficiency, false},
               {"--highest-wasted-bytes", &rules->highest_wasted_bytes, true},
               {"--highest-user-wasted-percent", &rules->highest_user_wasted_percent, false}};
  for (const Flag& f : flags) {
    if (!a.has(f.name)) continue;
    Status s = set_threshold(f.t, a.value(f.name), f.bytes, f.name);
    if (!s.ok()) return usage_error(std::string(f.name) + ": " + s.error().message, a.command);
  }
  return kContinue;
}

// --fail-on SEVERITY: the findings at or above it fail the gate (values masked).
void check_findings(Tally* t, const Session& s, int image, Severity floor, const Context& ctx) {
  FindingsOptions opt;
  opt.limits = ctx.limits;
  auto r = image_findings(s, image, opt);
  std::vector<Finding> bad;
  if (r.ok())
    for (const Finding& f : r.value())
      if (f.severity >= floor) bad.push_back(f);
  std::string rule = std::string("findings (") + severity_name(floor) + " or above)";
  if (!r.ok()) {
    ++t->failed;
    t->line("FAIL", rule, r.error().to_string());
  } else if (bad.empty()) {
    ++t->passed;
    t->line("PASS", rule, "none");
  } else {
    ++t->failed;
    t->line("FAIL", rule, std::to_string(bad.size()) + " found");
    print_findings(bad);
  }
}

int run(const Context& ctx, const Args& a) {
  CiRules rules;
  if (int rc = load_rules(a, &rules); rc != kContinue) return rc;
  Severity floor = Severity::kInfo;
  if (a.has("--fail-on") && !parse_severity(a.value("--fail-on"), &floor))
    return usage_error("--fail-on takes info, low, medium, high or critical, got '" + a.value("--fail-on") + "'",
                       a.command);
  ImagePath ip;
  if (int rc = open_image_operand(ctx, a, &ip); rc != kContinue) return rc;
  auto sp = image_space(*ip.session, ip.image);
  if (!sp.ok()) return fail(sp.error());
  const SpaceFigures& f = sp.value();
  std::printf("Image #%d\n  efficiency: %.4f %%\n  wasted bytes: %lld (%s)\n  user wasted percent: %.4f %%\n",
              ip.image, 100.0 * f.efficiency, static_cast<long long>(f.wasted_bytes), human_size(f.wasted_bytes).c_str(),
              100.0 * f.user_wasted_percent);
  std::printf("Rules:\n");
  Tally t;
  const CiRules& r = rules;
  check(&t, "lowestEfficiency", r.lowest_efficiency, f.efficiency, f.efficiency < r.lowest_efficiency.value,
        num(r.lowest_efficiency.value), ">=", "<");
  check(&t, "highestWastedBytes", r.highest_wasted_bytes, static_cast<double>(f.wasted_bytes),
        static_cast<double>(f.wasted_bytes) > r.highest_wasted_bytes.value, num(r.highest_wasted_bytes.value), "<=", ">");
  check(&t, "highestUserWastedPercent", r.highest_user_wasted_percent, f.user_wasted_percent,
        f.user_wasted_percent > r.highest_user_wasted_percent.value, num(r.highest_user_wasted_percent.value), "<=", ">");
  if (a.has("--fail-on")) check_findings(&t, *ip.session, ip.image, floor, ctx);
  std::printf("Result: %s [Total:%d] [Passed:%d] [Failed:%d] [Skipped:%d]\n", t.failed ? "FAIL" : "PASS",
              t.passed + t.failed + t.skipped, t.passed, t.failed, t.skipped);
  return t.failed ? 1 : 0;
}

}  // namespace

const Command& ci_command() {
  static const Command c{
      "ci",
      "ARCHIVE [IMAGE] [--lowest-efficiency F] [--highest-wasted-bytes N] [--highest-user-wasted-percent F] "
      "[--fail-on SEVERITY] [--config FILE] [--platform P]",
      "dive's CI gate: each rule PASS/FAIL/SKIP, exit 1 on a failure (rules from .dive-ci and flags)", 1,
      {{{"--lowest-efficiency"}, "F", "fail when efficiency is below F (a ratio; 'disabled' skips)"},
       {{"--highest-wasted-bytes"}, "N", "fail when more than N bytes are wasted (20MB, 1.5GiB, 4096; 'disabled')"},
       {{"--highest-user-wasted-percent"}, "F", "fail when wasted/user bytes is above F (a ratio; 'disabled')"},
       {{"--fail-on"}, "SEVERITY", "fail on any finding of SEVERITY or above (info low medium high critical)"},
       {{"--config"}, "FILE", "dive's .dive-ci rules file (default: ./.dive-ci when present)"},
       {{"--platform"}, "OS[/ARCH[/VARIANT]]", "pick the image of that platform"}},
      run};
  return c;
}

}  // namespace lscli
