mod common;
#[test]
fn dump() {
    let r = common::balanced("A", 2022, &[1, 2, 3]);
    let p = casetrack_reporting::PublishedReport::publish(r, None, 5, "r").unwrap();
    std::fs::write("/tmp/r.md", casetrack_reporting::md::to_markdown(&p)).unwrap();
    std::fs::write("/tmp/r.html", casetrack_reporting::html::to_html(&p)).unwrap();
    std::fs::write("/tmp/r.csv", casetrack_reporting::csv::to_csv(&p.report).unwrap()).unwrap();
}
