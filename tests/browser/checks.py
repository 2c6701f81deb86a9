"""What browser tests check on any page: axe-core finds nothing serious, and nothing is wider
than a phone's screen."""
from __future__ import annotations

from playwright.sync_api import Page

BLOCKING = {"serious", "critical"}


def describe_violations(violations) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(map(str, node.get("target", []))) for node in violation["nodes"]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
                     f"    nodes: {targets}")
    return "\n".join(lines)


def assert_accessible(page: Page, axe) -> None:
    """axe-core finds no serious or critical problem on the page as it stands, and no rule
    crashed on an element (a crashed rule checked nothing there, e.g. a self-referencing label)."""
    page.wait_for_load_state("load")
    results = axe.run(page).response
    blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING]
    assert not blocking, f"axe found on {page.url}:\n{describe_violations(blocking)}"
    untested = [f"{item['id']}: {node['html'][:120]}" for item in results["incomplete"]
                for node in item["nodes"]
                if any(check["id"] == "error-occurred"
                       for check in node["any"] + node["all"] + node["none"])]
    assert not untested, f"axe could not test on {page.url}:\n" + "\n".join(untested)


PHONE = {"width": 360, "height": 740}


WIDTH_CHECK = """() => {
  const page = document.documentElement;
  const problems = [];
  if (page.scrollWidth > page.clientWidth + 1) {
    const wide = [...document.querySelectorAll('body *')].filter(e => {
      const box = e.getBoundingClientRect();
      return box.right > page.clientWidth + 1 && !e.closest('.visually-hidden');
    }).slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
    problems.push('the page is ' + page.scrollWidth + ' px wide: ' + wide.join(', '));
  }
  for (const chart of document.querySelectorAll('figure.chart')) {
    const width = chart.getBoundingClientRect().width;
    if (chart.offsetParent !== null && width < 480) {
      problems.push('a chart is drawn ' + Math.round(width) + ' px wide, too narrow to read its labels');
    }
  }
  for (const e of document.querySelectorAll('body *')) {
    const style = getComputedStyle(e);
    if (!['auto', 'scroll'].includes(style.overflowX) || e.scrollWidth <= e.clientWidth + 1) continue;
    const named = e.getAttribute('aria-label') || e.getAttribute('aria-labelledby');
    if (e.getAttribute('role') !== 'region' || !named || e.getAttribute('tabindex') !== '0') {
      problems.push('a part scrolls sideways without being a labelled region: ' +
                    e.tagName.toLowerCase() + '.' + e.className);
    }
  }
  return problems;
}"""  # noqa: E501 - the data as it is
