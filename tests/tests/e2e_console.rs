//! The staff console in a real headless Chromium, driven over WebDriver (`chromedriver`) as staff would use it:
//! a clerk registers an application and sees its deadline; a reviewer requests 补正 and receives it, and the
//! deadline's explanation shows the period restarting (each form offered only while the state accepts it); an
//! approver finds it in the 待办 queue with its light and decides it (a refused form shows the refusal beside its field); the report officer sees the
//! annual report's figure grow, finds the application behind it and publishes, writes part 五 in the report's
//! own words (and an edit of a stale version is refused naming the version missed); a clerk sees no action on the
//! case and a decision forged from the clerk's session is refused with 403, as is a publish forged by an
//! approver; a dispatcher routes a hotline ticket and the unit it went to finds it in its subtree's queue,
//! opens it, signs for it and handles it, after which only 并单 is offered; the report officer's 热线看板 counts
//! the ticket by its line and category and lists it behind the figure. The test starts its own `casetrack serve` and
//! its own `chromedriver` on free loopback ports and stops both by process id. A screenshot of every page is
//! written to `CARGO_TARGET_TMPDIR/console-screenshots/` (kept as CI artifacts).

use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use casetrack_api::v1 as pb;
use casetrack_api::v1::intake_client::IntakeClient;
use casetrack_tests::agencies;
use casetrack_tests::free_port;
use casetrack_tests::serve::Serve;
use casetrack_tests::services::{Process, TestIdentity, authed, today, token_file};
use fantoccini::{Client, ClientBuilder, Locator};

/// How long a form's navigation may take before the test fails, and how often the URL is looked at meanwhile.
const NAVIGATION_TIMEOUT: Duration = Duration::from_secs(10);
const NAVIGATION_POLL: Duration = Duration::from_millis(50);
const CLERK: &str = "clerk-token";
const APPROVER: &str = "approver-token";
const DISPATCHER: &str = "dispatcher-token";
const UNIT: &str = "roads-unit-token";
const ADMIN: &str = "admin-token";
const REPORT_OFFICER: &str = "report-officer-token";
const HOTLINE: &str = "hotline-token";

/// One job per identity, as the console's users hold them.
const IDENTITIES: [TestIdentity<'static>; 7] = [
    (CLERK, &["clerk"], "console", Some("simao")),
    (APPROVER, &["approver"], "console", Some("simao")),
    (DISPATCHER, &["reviewer"], "console", Some("simao")),
    (UNIT, &["reviewer"], "console", Some("simao/roads")),
    (ADMIN, &["admin"], "ops", None),
    (
        REPORT_OFFICER,
        &["report_officer"],
        "console",
        Some("simao"),
    ),
    (HOTLINE, &["hotline"], "12345", Some("simao")),
];

/// How long chromedriver and the console may take to listen.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Chromium without a display, a sandbox, a GPU or any network of its own: only the console.
const CHROMIUM_ARGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1000",
];

/// A process this test started, killed (by its id) and reaped when dropped.
struct Spawned(Child);

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for_port(port: u16) -> anyhow::Result<()> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + START_TIMEOUT;
    while TcpStream::connect_timeout(&address, Duration::from_millis(50)).is_err() {
        if Instant::now() >= deadline {
            bail!("nothing listens on {address} after {START_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// A headless Chromium session on the console at `base`.
struct Browser {
    client: Client,
    base: String,
    shots: PathBuf,
    _driver: Spawned,
}

impl Browser {
    async fn start(base: String, profile: &Path) -> anyhow::Result<Browser> {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("start chromedriver (apt-get install chromium chromium-driver)")?;
        let driver = Spawned(driver);
        wait_for_port(port)?;
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| (*a).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            serde_json::json!({ "binary": "/usr/bin/chromium", "args": args }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("open a Chromium session")?;
        let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-screenshots");
        std::fs::create_dir_all(&shots)?;
        Ok(Browser {
            client,
            base,
            shots,
            _driver: driver,
        })
    }

    async fn goto(&self, path: &str) -> anyhow::Result<()> {
        Ok(self.client.goto(&format!("{}{path}", self.base)).await?)
    }

    async fn login(&self, token: &str) -> anyhow::Result<()> {
        self.goto("/login").await?;
        self.fill("input[name=token]", token).await?;
        self.click("main.login button").await
    }

    async fn logout(&self) -> anyhow::Result<()> {
        self.click("header form button").await
    }

    async fn fill(&self, css: &str, text: &str) -> anyhow::Result<()> {
        let field = self.client.find(Locator::Css(css)).await?;
        field.clear().await?;
        Ok(field.send_keys(text).await?)
    }

    /// Click what `css` finds — every click here follows a link or submits a form — and wait until the next
    /// page has replaced this one (the old page's root goes stale), so no lookup reads the page being left.
    async fn click(&self, css: &str) -> anyhow::Result<()> {
        let page = self.client.find(Locator::Css("html")).await?;
        self.client.find(Locator::Css(css)).await?.click().await?;
        let started = Instant::now();
        while page.tag_name().await.is_ok() {
            if started.elapsed() > NAVIGATION_TIMEOUT {
                bail!("clicking {css} did not lead to another page");
            }
            tokio::time::sleep(NAVIGATION_POLL).await;
        }
        self.client.wait().for_element(Locator::Css("body")).await?;
        Ok(())
    }

    async fn text(&self, css: &str) -> anyhow::Result<String> {
        Ok(self.client.find(Locator::Css(css)).await?.text().await?)
    }

    /// The figure of report cell `code` on the report page shown.
    async fn figure(&self, code: &str) -> anyhow::Result<u64> {
        let text = self.text(&format!("a[data-cell='{code}']")).await?;
        text.parse()
            .with_context(|| format!("figure of {code}: {text:?}"))
    }

    async fn count(&self, css: &str) -> anyhow::Result<usize> {
        Ok(self.client.find_all(Locator::Css(css)).await?.len())
    }

    /// The current page as `name`.png in the screenshot directory.
    async fn shot(&self, name: &str) -> anyhow::Result<()> {
        let png = self.client.screenshot().await?;
        Ok(std::fs::write(self.shots.join(format!("{name}.png")), png)?)
    }

    /// The case id in the URL (`/cases/{id}`) once the browser is on a case page: a submitted form navigates
    /// there after the click returns, so wait for it (at most `NAVIGATION_TIMEOUT`).
    async fn case_id(&self) -> anyhow::Result<String> {
        let started = Instant::now();
        loop {
            let url = self.client.current_url().await?;
            if let Some(id) = url.path().strip_prefix("/cases/") {
                return Ok(id.to_owned());
            }
            if started.elapsed() > NAVIGATION_TIMEOUT {
                bail!("not on a case page: {url}");
            }
            tokio::time::sleep(NAVIGATION_POLL).await;
        }
    }
}

/// `casetrack serve` with its console, the test's agencies registered, and a browser on the console.
struct Console {
    browser: Browser,
    grpc: String,
    _server: Process,
    _dir: tempfile::TempDir,
}

async fn start() -> anyhow::Result<Console> {
    let dir = tempfile::tempdir()?;
    let tokens = dir.path().join("tokens.json");
    std::fs::write(&tokens, token_file(&IDENTITIES))?;
    let routing = dir.path().join("routing.json");
    std::fs::write(&routing, r#"{"rules": []}"#)?;
    let console_port = free_port();
    let server = Serve::new(dir.path())
        .tokens(&tokens)
        .console_port(console_port)
        .args([format!("--routing={}", routing.display())])
        .spawn("serve")?;
    wait_for_port(console_port)?;
    let grpc = server.url();
    agencies::register(&grpc, ADMIN, &["simao", "simao/roads/east"]).await?;
    let base = format!("http://127.0.0.1:{console_port}");
    let browser = Browser::start(base, &dir.path().join("chromium-profile")).await?;
    Ok(Console {
        browser,
        grpc,
        _server: server,
        _dir: dir,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_work_cases_in_the_console() -> anyhow::Result<()> {
    let console = start().await?;
    let outcome = scenario(&console).await;
    let _ = console.browser.client.clone().close().await;
    outcome
}

async fn scenario(console: &Console) -> anyhow::Result<()> {
    let browser = &console.browser;
    let application = clerk_registers(browser).await?;
    reviewer_asks_supplement(browser, &application).await?;
    let before = officer_reads_figure(browser).await?;
    approver_decides(browser, &application).await?;
    officer_drills_down(browser, &application, before).await?;
    officer_writes_part_five(browser).await?;
    clerk_may_not_decide(browser, &application).await?;
    approver_may_not_report(browser).await?;
    let ticket = submit_ticket(&console.grpc).await?;
    dispatcher_routes(browser, &ticket).await?;
    unit_sees_its_subtree(browser, &ticket).await?;
    unit_signs_and_handles(browser, &ticket).await?;
    officer_reads_hotline_board(browser, &ticket).await
}

/// The report officer's 热线看板 counts the ticket — received, dispatched, by its line and category, in the
/// year and in its month — and the figure leads to the ticket.
async fn officer_reads_hotline_board(browser: &Browser, ticket: &str) -> anyhow::Result<()> {
    browser.login(REPORT_OFFICER).await?;
    // The projector folds the ticket after the appends are acknowledged: reload until it has.
    let received = "a[data-cell='hotline.received']";
    let started = Instant::now();
    loop {
        browser.goto("/hotline?sub=1").await?;
        if browser.count(received).await? == 1 {
            break;
        }
        if started.elapsed() > NAVIGATION_TIMEOUT {
            bail!("the hotline board does not count the ticket");
        }
        tokio::time::sleep(NAVIGATION_POLL).await;
    }
    assert_eq!(browser.text(received).await?, "1");
    assert_eq!(
        browser.text("a[data-cell='hotline.dispatched']").await?,
        "1"
    );
    assert_eq!(
        browser
            .text("span[data-cell='hotline.closed_on_time']")
            .await?,
        "0",
        "handled, not yet answered and closed"
    );
    let line = "section[data-dimension=line] tr[data-key='12345']";
    assert_eq!(
        browser
            .text(&format!(
                "{line} a[data-cell='hotline.received@line=12345']"
            ))
            .await?,
        "1"
    );
    assert!(
        browser
            .text("section[data-dimension=category] tr[data-key=complaint] th")
            .await?
            .contains("投诉")
    );
    browser.shot("15-hotline-board").await?;
    let month: u32 = today()[5..7].parse()?;
    browser
        .goto(&format!("/hotline?sub=1&month={month}"))
        .await?;
    assert_eq!(browser.text(received).await?, "1", "the ticket's month");
    browser.click(received).await?;
    assert_eq!(browser.text("dd.figure").await?, "1");
    assert_eq!(
        browser
            .count(&format!("table.drill tr[data-case='{ticket}']"))
            .await?,
        1,
        "the ticket is behind the figure"
    );
    browser.shot("16-hotline-drill-down").await?;
    browser.logout().await
}

/// The actions the case page shown offers, by slug, in page order.
async fn offered(browser: &Browser) -> anyhow::Result<Vec<String>> {
    let mut slugs = Vec::new();
    for section in browser
        .client
        .find_all(Locator::Css("section.action"))
        .await?
    {
        slugs.extend(section.attr("data-action").await?);
    }
    Ok(slugs)
}

/// A reviewer (the dispatcher's reviewer role) requests 补正 on the registered application: the clock stops and
/// only 收到补正 is offered among the 补正 actions; receiving it restarts the period, which the deadline's
/// explanation states, and 补正 is not offered again (it may be requested once).
async fn reviewer_asks_supplement(browser: &Browser, case_id: &str) -> anyhow::Result<()> {
    browser.login(DISPATCHER).await?;
    browser.goto(&format!("/cases/{case_id}")).await?;
    let before = offered(browser).await?;
    assert!(
        before.contains(&"request_supplement".to_owned())
            && !before.contains(&"receive_supplement".to_owned()),
        "{before:?}"
    );
    assert!(
        !before.contains(&"decide".to_owned()),
        "deciding is the approver's"
    );
    let request = "section[data-action=request_supplement]";
    browser
        .fill(
            &format!("{request} textarea[name=what]"),
            "请补充所需信息的文件名称",
        )
        .await?;
    // A date input takes typed keys in the browser's locale; the test sets the ISO value the form posts.
    let by = (today().parse::<chrono::NaiveDate>()? + chrono::Days::new(15)).to_string();
    browser
        .client
        .execute(
            &format!(
                "document.querySelector('{request} input[name=supplement_by]').value = '{by}';"
            ),
            vec![],
        )
        .await?;
    browser.click(&format!("{request} button")).await?;
    assert!(browser.text("ol.timeline").await?.contains("要求补正"));
    assert_eq!(browser.text("dd.deadline").await?, "暂停/不计时");
    let stopped = browser.text("details.explanation pre").await?;
    assert!(stopped.contains("待申请人补正"), "{stopped}");
    let waiting = offered(browser).await?;
    assert!(
        waiting.contains(&"receive_supplement".to_owned())
            && !waiting.contains(&"request_supplement".to_owned())
            && !waiting.contains(&"start_consultation".to_owned()),
        "{waiting:?}"
    );
    browser.shot("04a-supplement-requested").await?;
    browser
        .click("section[data-action=receive_supplement] button")
        .await?;
    let explanation = browser.text("details.explanation pre").await?;
    assert!(
        explanation.contains("答复期限自收到补正后的申请之日起重新计算"),
        "{explanation}"
    );
    assert!(browser.text("dd.deadline").await?.starts_with("20"));
    let after = offered(browser).await?;
    assert!(
        !after.contains(&"request_supplement".to_owned())
            && !after.contains(&"receive_supplement".to_owned()),
        "{after:?}"
    );
    browser.shot("04b-supplement-received").await?;
    browser.logout().await
}

/// The unit holding the ticket signs for it (another unit's signature refused beside its field) and handles
/// it; each form is offered while the ticket accepts it, and once handled only 并单 is left.
async fn unit_signs_and_handles(browser: &Browser, ticket: &str) -> anyhow::Result<()> {
    browser.login(UNIT).await?;
    browser.goto(&format!("/cases/{ticket}")).await?;
    let dispatched = offered(browser).await?;
    assert!(
        dispatched.contains(&"sign_ticket".to_owned())
            && !dispatched.contains(&"handle_ticket".to_owned())
            && !dispatched.contains(&"dispatch_ticket".to_owned()),
        "{dispatched:?}"
    );
    let sign = "section[data-action=sign_ticket]";
    browser
        .fill(&format!("{sign} input[name=unit]"), "simao/roads/west")
        .await?;
    browser.click(&format!("{sign} button")).await?;
    let refusal = browser.text(".refusal[data-field=unit]").await?;
    assert!(
        !refusal.is_empty(),
        "another unit's signature is refused beside its field"
    );
    browser.shot("10a-ticket-sign-refused").await?;
    browser
        .fill(&format!("{sign} input[name=unit]"), "simao/roads/east")
        .await?;
    browser.click(&format!("{sign} button")).await?;
    assert!(browser.text("ol.timeline").await?.contains("签收"));
    let signed = offered(browser).await?;
    assert!(
        signed.contains(&"handle_ticket".to_owned()) && !signed.contains(&"sign_ticket".to_owned()),
        "{signed:?}"
    );
    let handle = "section[data-action=handle_ticket]";
    browser
        .fill(
            &format!("{handle} textarea[name=result]"),
            "已更换人民路东段路灯灯泡",
        )
        .await?;
    browser.click(&format!("{handle} button")).await?;
    assert!(
        browser
            .text("ol.timeline")
            .await?
            .contains("已更换人民路东段路灯灯泡")
    );
    assert_eq!(
        offered(browser).await?,
        ["merge_tickets"],
        "a handled ticket is signed, returned, extended or handled no more; it may still be merged"
    );
    browser.shot("10b-ticket-handled").await?;
    browser.logout().await
}

/// A clerk registers an application (a refusal first, beside its field) and sees its statutory deadline.
async fn clerk_registers(browser: &Browser) -> anyhow::Result<String> {
    browser.login(CLERK).await?;
    assert_eq!(
        browser.count("header nav a[href='/queue']").await?,
        0,
        "a clerk has no queue"
    );
    browser.goto("/applications/new").await?;
    browser.shot("01-register").await?;
    browser.click("form.action button").await?;
    let refusal = browser.text(".refusal[data-field=content]").await?;
    assert!(
        !refusal.is_empty(),
        "the empty content is refused beside its field"
    );
    browser.shot("02-register-refused").await?;
    browser
        .fill(
            "textarea[name=content]",
            "请公开2025年度道路维修资金预算执行情况",
        )
        .await?;
    browser.click("form.action button").await?;
    let case_id = browser.case_id().await?;
    let deadline = browser.text("dd.deadline").await?;
    assert!(
        deadline.starts_with("20"),
        "a running deadline date: {deadline}"
    );
    assert!(browser.text("ol.timeline").await?.contains("收到申请"));
    browser.shot("03-case-registered").await?;
    browser.logout().await?;
    Ok(case_id)
}

/// An approver finds the application in the queue with a green light, and decides it.
async fn approver_decides(browser: &Browser, case_id: &str) -> anyhow::Result<()> {
    browser.login(APPROVER).await?;
    browser.goto("/queue").await?;
    let row = format!("tr[data-case='{case_id}']");
    assert_eq!(browser.text(&format!("{row} .light")).await?, "正常");
    browser.shot("04-queue-approver").await?;
    browser.click(&format!("{row} a")).await?;
    let decide = "section[data-action=decide]";
    browser
        .client
        .find(Locator::Css(&format!("{decide} select[name=outcome]")))
        .await?
        .select_by_value("disclosed")
        .await?;
    browser
        .fill(
            &format!("{decide} textarea[name=legal_reason]"),
            "《政府信息公开条例》第二十七条",
        )
        .await?;
    browser.click(&format!("{decide} button")).await?;
    assert_eq!(browser.case_id().await?, case_id);
    let timeline = browser.text("ol.timeline").await?;
    assert!(timeline.contains("予以公开"), "{timeline}");
    browser.shot("05-case-decided").await?;
    browser.logout().await
}

/// A clerk sees no action on the case; a decision posted from the clerk's session (its CSRF token and all) is
/// refused with the 403 page, and the case is not decided twice.
async fn clerk_may_not_decide(browser: &Browser, case_id: &str) -> anyhow::Result<()> {
    browser.login(CLERK).await?;
    browser.goto(&format!("/cases/{case_id}")).await?;
    assert_eq!(
        browser.count("section.action").await?,
        0,
        "a clerk may not act on a case"
    );
    let forge = format!(
        "const f = document.createElement('form'); f.method = 'post'; f.action = '/cases/{case_id}/actions/decide';
         const add = (n, v) => {{ const i = document.createElement('input'); i.name = n; i.value = v; f.appendChild(i); }};
         add('csrf', document.querySelector('input[name=csrf]').value); add('command_id', crypto.randomUUID());
         add('outcome', 'withheld.state_secret'); add('legal_reason', '伪造'); add('decided_on', '{}');
         document.body.appendChild(f); f.submit();",
        today()
    );
    browser.client.execute(&forge, vec![]).await?;
    let heading = browser.text("main.error h1").await?;
    assert!(heading.starts_with("403"), "{heading}");
    browser.shot("06-forged-post-403").await?;
    browser.goto("/login").await?;
    Ok(())
}

/// A ticket from the 12345 line, received by the district (routing is off: the dispatcher routes it).
async fn submit_ticket(grpc: &str) -> anyhow::Result<String> {
    let mut intake = IntakeClient::connect(grpc.to_owned()).await?;
    let request = pb::SubmitHotlineTicketRequest {
        caller: None,
        external_id: "12345-console-0001".to_owned(),
        agency: "simao".to_owned(),
        line: "12345".to_owned(),
        category: "complaint".to_owned(),
        received_on: today(),
        summary: "人民路东段路灯不亮".to_owned(),
        occurred_at: None,
    };
    Ok(intake
        .submit_hotline_ticket(authed(request, HOTLINE))
        .await?
        .into_inner()
        .case_id)
}

/// The district's dispatcher finds the ticket among the hotline cases and dispatches it to a roads unit.
async fn dispatcher_routes(browser: &Browser, ticket: &str) -> anyhow::Result<()> {
    browser.login(DISPATCHER).await?;
    browser.goto("/queue?kind=hotline&line=12345").await?;
    browser.shot("07-queue-hotline").await?;
    browser
        .click(&format!("tr[data-case='{ticket}'] a"))
        .await?;
    let dispatch = "section[data-action=dispatch_ticket]";
    browser
        .fill(&format!("{dispatch} input[name=unit]"), "simao/roads/east")
        .await?;
    browser
        .fill(
            &format!("{dispatch} input[name=time_limit_working_days]"),
            "5",
        )
        .await?;
    browser.click(&format!("{dispatch} button")).await?;
    assert!(
        browser
            .text("ol.timeline")
            .await?
            .contains("派单至 simao/roads/east")
    );
    browser.shot("08-ticket-dispatched").await?;
    browser.logout().await
}

/// The roads bureau's queue holds the ticket dispatched to its east unit, with the unit named, and the bureau
/// opens the ticket's case page from there (a case of the district's, which it handles).
async fn unit_sees_its_subtree(browser: &Browser, ticket: &str) -> anyhow::Result<()> {
    browser.login(UNIT).await?;
    browser.goto("/queue").await?;
    let row = format!("tr[data-case='{ticket}']");
    let text = browser.text(&row).await?;
    assert!(text.contains("simao/roads/east"), "{text}");
    assert_eq!(browser.text(&format!("{row} .light")).await?, "正常");
    browser.shot("09-queue-unit-subtree").await?;
    browser.click(&format!("{row} a")).await?;
    assert_eq!(
        browser.case_id().await?,
        ticket,
        "the unit opens the ticket it handles"
    );
    let timeline = browser.text("ol.timeline").await?;
    assert!(timeline.contains("派单至 simao/roads/east"), "{timeline}");
    browser.shot("10-case-unit").await?;
    browser.logout().await
}

/// The table 三 cell the test's application counts in once decided: 予以公开, 自然人 (the form's first type).
const DISCLOSED_CELL: &str = "applications.disclosed.natural_person";

/// The figure of [`DISCLOSED_CELL`] on the district's report page this year, as the report officer sees it.
async fn officer_reads_figure(browser: &Browser) -> anyhow::Result<u64> {
    browser.login(REPORT_OFFICER).await?;
    browser.goto("/report").await?;
    assert_eq!(
        browser.text("section.identities p[data-status]").await?,
        "全部勾稽关系校验通过。"
    );
    let figure = browser.figure(DISCLOSED_CELL).await?;
    assert_eq!(
        browser.count("figure[data-chart=flow] rect.bar").await?,
        4,
        "received, carried over, handled, carried forward"
    );
    assert_eq!(
        browser
            .count("figure[data-chart=outcomes] rect.bar")
            .await?,
        0,
        "nothing handled yet"
    );
    assert_eq!(
        browser.count("figure[data-chart=months] rect.bar").await?,
        12,
        "a bar per month"
    );
    assert_eq!(
        browser.count("figure[data-chart=on_time]").await?,
        0,
        "no application of the year handled yet"
    );
    browser.logout().await?;
    Ok(figure)
}

/// After the decision the report officer sees the figure grown by one, clicks it and finds the application
/// in the drill-down; publishes, and sees the pinned position and hash.
async fn officer_drills_down(browser: &Browser, case_id: &str, before: u64) -> anyhow::Result<()> {
    browser.login(REPORT_OFFICER).await?;
    // The projector folds the decision after the append is acknowledged: reload until it has.
    let started = Instant::now();
    loop {
        browser.goto("/report").await?;
        if browser.figure(DISCLOSED_CELL).await? == before + 1 {
            break;
        }
        if started.elapsed() > NAVIGATION_TIMEOUT {
            bail!("the report's figure did not change after the decision");
        }
        tokio::time::sleep(NAVIGATION_POLL).await;
    }
    assert_eq!(browser.count("nav.downloads a").await?, 6, "every format");
    let outcomes = "figure[data-chart=outcomes] rect.bar";
    assert_eq!(browser.count(outcomes).await?, 1, "one outcome row counts");
    let bar = browser.client.find(Locator::Css(outcomes)).await?;
    assert_eq!(
        bar.attr("data-cell").await?.as_deref(),
        Some("applications.disclosed.total")
    );
    let month: usize = today()[5..7].parse()?;
    let this_month = browser
        .client
        .find_all(Locator::Css("figure[data-chart=months] rect.bar"))
        .await?;
    assert!(
        this_month[month - 1].attr("width").await?.as_deref() != Some("0"),
        "the application's month has its bar"
    );
    assert_eq!(
        browser
            .count("figure[data-chart=channels] rect.bar")
            .await?,
        1,
        "one channel received applications"
    );
    let on_time = browser
        .text("figure[data-chart=on_time] figcaption")
        .await?;
    assert!(on_time.ends_with("100.0%"), "{on_time}");
    browser.shot("11-report").await?;
    browser
        .click(&format!("a[data-cell='{DISCLOSED_CELL}']"))
        .await?;
    assert_eq!(browser.text("dd.figure").await?, (before + 1).to_string());
    assert_eq!(
        browser
            .count(&format!("table.drill tr[data-case='{case_id}']"))
            .await?,
        1,
        "the decided application is behind the figure"
    );
    browser.shot("12-report-drill-down").await?;
    browser.goto("/report").await?;
    browser.click("form.publish button").await?;
    let hash = browser.text("dl.published dd.hash").await?;
    assert_eq!(hash.len(), 64, "a SHA-256 content hash: {hash}");
    browser.shot("13-report-published").await?;
    browser.logout().await
}

/// The report officer writes part 五 from the report page's link and reads it in the report; the same form
/// sent again with the version it was opened at (an edit made meanwhile) is refused naming the version missed.
async fn officer_writes_part_five(browser: &Browser) -> anyhow::Result<()> {
    browser.login(REPORT_OFFICER).await?;
    browser.goto("/report").await?;
    browser.click("nav.narrative a[data-part='5']").await?;
    assert_eq!(browser.text("dd[data-version]").await?, "尚未撰写");
    let words = "一是加强业务培训。";
    let textarea = browser
        .client
        .find(Locator::Css("textarea[name=text]"))
        .await?;
    textarea.send_keys(words).await?;
    browser.shot("14a-report-write-part-five").await?;
    browser.click("form.action button").await?;
    // The projector folds past the paragraph's event after the append: reload until it has.
    let started = Instant::now();
    loop {
        browser.goto("/report").await?;
        if browser.count("p.written").await? == 1 {
            break;
        }
        if started.elapsed() > NAVIGATION_TIMEOUT {
            bail!("the written part did not reach the report");
        }
        tokio::time::sleep(NAVIGATION_POLL).await;
    }
    assert_eq!(browser.text("p.written").await?, words);
    browser.click("nav.narrative a[data-part='5']").await?;
    assert_eq!(browser.text("dd[data-version]").await?, "第 1 版");
    let stale = "document.querySelector('input[name=replaces_version]').value = '0';";
    browser.client.execute(stale, vec![]).await?;
    browser.click("form.action button").await?;
    let refusal = browser.text("form.action p.refusal").await?;
    assert!(refusal.contains("replaces_version"), "{refusal}");
    browser.shot("14b-report-stale-edit-refused").await?;
    browser.logout().await
}

/// An approver works cases but does not report: no link to the report, and a publish forged from its session
/// (its CSRF token and all) is refused with the 403 page.
async fn approver_may_not_report(browser: &Browser) -> anyhow::Result<()> {
    browser.login(APPROVER).await?;
    assert_eq!(browser.count("header nav a[href='/report']").await?, 0);
    let forge = "const f = document.createElement('form'); f.method = 'post'; f.action = '/report/publish';
         const add = (n, v) => { const i = document.createElement('input'); i.name = n; i.value = v; f.appendChild(i); };
         add('csrf', document.querySelector('input[name=csrf]').value); add('agency', 'simao'); add('year', '2026');
         document.body.appendChild(f); f.submit();";
    browser.client.execute(forge, vec![]).await?;
    let heading = browser.text("main.error h1").await?;
    assert!(heading.starts_with("403"), "{heading}");
    browser.shot("14c-forged-publish-403").await?;
    browser.goto("/login").await?;
    Ok(())
}
