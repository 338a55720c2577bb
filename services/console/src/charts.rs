//! Charts of the annual report, drawn on the server as inline SVG (maud; no script, no chart library, nothing
//! fetched): horizontal bars of the report's own figures, so a chart cannot disagree with its table — the
//! applications' flow (received, carried over, handled, carried forward) and the outcome breakdown of
//! table 三, one bar per outcome row that counts anything. A format without those cells (the pre-2019
//! statistical table) shows none. Beside them, the year's applications by month of receipt and by channel, and
//! how many of those handled were answered on time ([`profile_section`], from the projector's
//! `ApplicationProfile` of the same cases as `applications.received.total`).

use casetrack_domain::Outcome;
use casetrack_domain::application::Channel;
use casetrack_projector::annual::MAX_DRILL_DOWN;
use casetrack_projector::profile::ApplicationProfile;
use casetrack_reporting::{PublishedReport, percent};
use maud::{Markup, html};
use tonic::{Code, Status};

/// Width of the drawing in SVG units; the labels take [`LABEL_WIDTH`] of it, the bars the rest.
const CHART_WIDTH: u32 = 720;
const LABEL_WIDTH: u32 = 260;
/// Room after the longest bar for its figure.
const FIGURE_WIDTH: u32 = 60;
const BAR_HEIGHT: u32 = 18;
const ROW_HEIGHT: u32 = 26;

/// One bar: its report cell (when it is one), its label, its figure.
struct Bar {
    cell: Option<String>,
    label: String,
    value: i128,
}

impl Bar {
    fn of(label: impl Into<String>, value: u64) -> Bar {
        Bar {
            cell: None,
            label: label.into(),
            value: i128::from(value),
        }
    }
}

pub fn charts(published: &PublishedReport) -> Markup {
    let figure = |cell: &str| published.report.get(cell).map(|f| f.as_i128());
    let flow: Vec<Bar> = [
        ("received", "本年新收"),
        ("carried_over", "上年结转"),
        ("outcome_total", "本年办结"),
        ("carried_forward", "结转下年度"),
    ]
    .into_iter()
    .filter_map(|(row, label)| {
        let cell = format!("applications.{row}.total");
        figure(&cell).map(|value| Bar {
            cell: Some(cell),
            label: label.to_owned(),
            value,
        })
    })
    .collect();
    let outcomes: Vec<Bar> = Outcome::all()
        .into_iter()
        .filter_map(|outcome| {
            let cell = format!("applications.{}.total", outcome.cell_row());
            let value = figure(&cell).filter(|v| *v > 0)?;
            Some(Bar {
                cell: Some(cell),
                label: outcome.label_zh().to_owned(),
                value,
            })
        })
        .collect();
    html! {
        @if !flow.is_empty() {
            section.charts {
                h2 { "图表" }
                (chart("flow", "依申请公开：收到与办结（件）", &flow))
                @if !outcomes.is_empty() { (chart("outcomes", "本年度办理结果（件）", &outcomes)) }
            }
        }
    }
}

/// The charts of the year's applications, or a line saying why they are not drawn: a year with more
/// applications than one drill-down lists (`MAX_DRILL_DOWN`), or a failure to read them, never costs the page its
/// report.
pub fn profile_section(profile: &Result<Option<ApplicationProfile>, Status>) -> Markup {
    match profile {
        Ok(Some(profile)) => profile_charts(profile),
        Ok(None) => html! {},
        Err(status) if status.code() == Code::ResourceExhausted => html! {
            p.note.charts-missing {
                "本年度收到的申请超过 " (MAX_DRILL_DOWN) " 件，按月、按提交方式和按期答复的图表未绘制；报告的数字不受影响。"
            }
        },
        Err(status) => {
            tracing::error!(code = ?status.code(), message = status.message(), "console: the charts' profile failed");
            html! { p.note.charts-missing { "申请情况图表暂时无法绘制（错误已记录）；报告的数字不受影响。" } }
        }
    }
}

/// The year's applications by month of receipt and by channel, and the handled ones answered on time or late
/// with the rate in the caption; nothing when the year received none.
fn profile_charts(profile: &ApplicationProfile) -> Markup {
    let months: Vec<Bar> = (1..=12)
        .zip(profile.by_month)
        .map(|(month, value)| Bar::of(format!("{month}月"), value))
        .collect();
    let channels: Vec<Bar> = Channel::ALL
        .into_iter()
        .filter_map(|channel| {
            let value = *profile.by_channel.get(channel.code())?;
            Some(Bar::of(channel.label_zh(), value))
        })
        .collect();
    let handled = profile.on_time + profile.late;
    let on_time = [
        Bar::of("按期答复", profile.on_time),
        Bar::of("逾期答复", profile.late),
    ];
    html! {
        @if profile.by_month.iter().any(|n| *n > 0) {
            section.charts {
                (chart("months", "本年收到申请：按月（件）", &months))
                (chart("channels", "本年收到申请：按提交方式（件）", &channels))
                @if handled > 0 {
                    (chart("on_time", &format!("本年收到且已办结的申请：按期答复率 {}", percent((profile.on_time, handled))), &on_time))
                }
            }
        }
    }
}

/// Horizontal bars scaled to the largest figure, each with its label and figure.
fn chart(name: &str, title: &str, bars: &[Bar]) -> Markup {
    let top = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let room = CHART_WIDTH - LABEL_WIDTH - FIGURE_WIDTH;
    let height = ROW_HEIGHT * u32::try_from(bars.len()).unwrap_or(u32::MAX / ROW_HEIGHT);
    html! {
        figure.chart data-chart=(name) {
            figcaption { (title) }
            svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (CHART_WIDTH) " " (height) } width=(CHART_WIDTH) height=(height) role="img" aria-label=(title) {
                @for (i, bar) in bars.iter().enumerate() {
                    @let y = ROW_HEIGHT * u32::try_from(i).unwrap_or(0);
                    @let length = scaled(bar.value, top, room);
                    text x=(LABEL_WIDTH - 8) y=(y + BAR_HEIGHT - 4) text-anchor="end" font-size="13" { (bar.label) }
                    rect.bar data-cell=[bar.cell.as_deref()] x=(LABEL_WIDTH) y=(y) width=(length) height=(BAR_HEIGHT) fill="#8a1c1c" {}
                    text x=(LABEL_WIDTH + length + 6) y=(y + BAR_HEIGHT - 4) font-size="13" { (bar.value) }
                }
            }
        }
    }
}

/// `value`'s bar length when `top` fills `room`; a figure that counts anything gets at least one unit.
fn scaled(value: i128, top: i128, room: u32) -> u32 {
    let length = value.max(0) * i128::from(room) / top;
    let length = u32::try_from(length).unwrap_or(room);
    if value > 0 { length.max(1) } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_figure() {
        assert_eq!(scaled(10, 10, 400), 400);
        assert_eq!(scaled(5, 10, 400), 200);
        assert_eq!(
            scaled(1, 1_000_000, 400),
            1,
            "a counted figure stays visible"
        );
        assert_eq!(scaled(0, 10, 400), 0);
    }

    #[test]
    fn a_year_too_large_to_profile_shows_why_and_keeps_the_report() {
        let refused = Err(Status::resource_exhausted(
            "drill-down would return 200001 entries",
        ));
        let shown = profile_section(&refused).into_string();
        assert!(shown.contains("图表未绘制"), "{shown}");
        assert!(shown.contains(&MAX_DRILL_DOWN.to_string()), "{shown}");
        let failed = profile_section(&Err(Status::internal("disk"))).into_string();
        assert!(
            failed.contains("暂时无法绘制") && !failed.contains("disk"),
            "{failed}"
        );
        let mut profile = ApplicationProfile::default();
        profile.by_month[2] = 3;
        let drawn = profile_section(&Ok(Some(profile))).into_string();
        assert!(drawn.contains("data-chart=\"months\""), "{drawn}");
    }
}
