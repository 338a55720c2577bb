//! TLS on real processes, with certificates generated in the test's temporary directory: `casetrack serve`
//! answers authenticated calls over TLS on both its listeners (the public one and the internal log port) to a
//! client trusting the CA, `casetrack agency --server https://… --tls-ca` works against it, and a plaintext
//! client or one that does not trust the CA gets nothing; with `--tls-client-ca`, a client without a client
//! certificate is refused; and the multi-process layout reaches its `casetrack eventlog` over mutual TLS.

use std::path::Path;
use std::process::Command;

use casetrack_api::v1 as pb;
use casetrack_api::v1::agencies_client::AgenciesClient;
use casetrack_api::v1::event_log_client::EventLogClient;
use casetrack_auth::ClientTlsFiles;
use casetrack_tests::serve::Serve;
use casetrack_tests::services::{ADMIN_TOKEN, Process, authed, casetrack_binary, write_tokens};
use casetrack_tests::tls::{TestPki, connect};
use casetrack_tests::{NatsServer, free_port};

/// `casetrack serve` serving TLS with `pki`'s server certificate, plus `extra` flags; and its log port.
fn serve_tls(dir: &Path, pki: &TestPki, extra: &[String]) -> anyhow::Result<(Process, u16)> {
    let serve = Serve::new(dir)
        .args(pki.server_args())
        .args(extra.iter().cloned());
    Ok((serve.spawn("serve")?, serve.log_port))
}

fn https(port: u16) -> String {
    format!("https://127.0.0.1:{port}")
}

/// Lists the agencies at `url` as the admin over `tls`: the number listed, or the failure.
async fn list_agencies(url: &str, tls: &ClientTlsFiles) -> anyhow::Result<usize> {
    let mut client = AgenciesClient::new(connect(url, tls).await?);
    let request = authed(pb::ListAgenciesRequest {}, ADMIN_TOKEN);
    Ok(client
        .list_agencies(request)
        .await?
        .into_inner()
        .agencies
        .len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_listeners_of_serve_answer_a_client_trusting_the_ca_over_tls() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let pki = TestPki::generate(dir.path(), "test")?;
    let (server, log_port) = serve_tls(dir.path(), &pki, &[])?;

    let added = Command::new(casetrack_binary()?)
        .args([
            "agency",
            "--server",
            &https(server.port),
            "--token",
            ADMIN_TOKEN,
        ])
        .arg("--tls-ca")
        .arg(&pki.ca_cert)
        .args([
            "add",
            "simao",
            "普洱市思茅区人民政府",
            "--valid-from",
            "2008-05-01",
        ])
        .output()?;
    assert!(added.status.success(), "{added:?}");
    assert_eq!(
        list_agencies(&https(server.port), &pki.client(false)).await?,
        1
    );

    let mut log = EventLogClient::new(connect(&https(log_port), &pki.client(false)).await?);
    let head = log
        .next_position(authed(pb::NextPositionRequest {}, ADMIN_TOKEN))
        .await?
        .into_inner();
    assert_eq!(head.next_position, 1, "the one registration is in the log");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plaintext_and_untrusting_clients_get_nothing_from_a_tls_listener() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let pki = TestPki::generate(dir.path(), "test")?;
    let other = TestPki::generate(dir.path(), "other")?;
    let (server, log_port) = serve_tls(dir.path(), &pki, &[])?;

    for port in [server.port, log_port] {
        let plaintext = format!("http://127.0.0.1:{port}");
        let refused = list_agencies(&plaintext, &ClientTlsFiles::default()).await;
        assert!(
            refused.is_err(),
            "plaintext call on port {port}: {refused:?}"
        );
        let untrusted = list_agencies(&https(port), &other.client(false)).await;
        assert!(
            untrusted.is_err(),
            "untrusting client on port {port}: {untrusted:?}"
        );
        let system_roots = list_agencies(&https(port), &ClientTlsFiles::default()).await;
        assert!(
            system_roots.is_err(),
            "system roots on port {port}: {system_roots:?}"
        );
    }
    // The same server answers a client that trusts its CA.
    assert_eq!(
        list_agencies(&https(server.port), &pki.client(false)).await?,
        0
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_client_ca_a_client_without_a_certificate_is_refused() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let pki = TestPki::generate(dir.path(), "test")?;
    let other = TestPki::generate(dir.path(), "other")?;
    let client_ca = vec![
        "--tls-client-ca".to_owned(),
        pki.ca_cert.display().to_string(),
    ];
    let (server, _) = serve_tls(dir.path(), &pki, &client_ca)?;
    let url = https(server.port);

    let anonymous = list_agencies(&url, &pki.client(false)).await;
    assert!(anonymous.is_err(), "no client certificate: {anonymous:?}");
    // A certificate from another CA is no better than none.
    let foreign = ClientTlsFiles {
        ca: Some(pki.ca_cert.clone()),
        identity: other.client(true).identity,
    };
    let foreign = list_agencies(&url, &foreign).await;
    assert!(foreign.is_err(), "foreign client certificate: {foreign:?}");
    assert_eq!(list_agencies(&url, &pki.client(true)).await?, 0);
    Ok(())
}

/// `casetrack eventlog` requiring client certificates, and `casetrack intake` dialing it over https with the
/// CA and its client certificate, itself serving TLS: a registration through intake reaches the log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_services_reach_the_eventlog_over_mutual_tls() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let pki = TestPki::generate(dir.path(), "test")?;
    let tokens = write_tokens(dir.path())?.display().to_string();
    let nats = NatsServer::start()?;
    let (log_port, intake_port) = (free_port(), free_port());
    let path = |p: &Path| p.display().to_string();
    let mut eventlog_args = vec![
        "eventlog".to_owned(),
        "--data".to_owned(),
        path(&dir.path().join("log")),
        "--listen".to_owned(),
        format!("127.0.0.1:{log_port}"),
        "--nats".to_owned(),
        nats.url(),
        "--tokens".to_owned(),
        tokens.clone(),
        "--tls-client-ca".to_owned(),
        path(&pki.ca_cert),
    ];
    eventlog_args.extend(pki.server_args());
    let _eventlog = Process::spawn(&eventlog_args, log_port, &dir.path().join("eventlog.log"))?;
    let mut intake_args = vec![
        "intake".to_owned(),
        "--data".to_owned(),
        path(&dir.path().join("intake")),
        "--log".to_owned(),
        https(log_port),
        "--listen".to_owned(),
        format!("127.0.0.1:{intake_port}"),
        "--tokens".to_owned(),
        tokens,
        "--tls-client-cert".to_owned(),
        path(&pki.client_cert),
        "--tls-client-key".to_owned(),
        path(&pki.client_key),
    ];
    intake_args.extend(pki.server_args());
    let env = [
        ("CASETRACK_LOG_TOKEN", ADMIN_TOKEN),
        ("CASETRACK_TLS_CA", &path(&pki.ca_cert)),
    ];
    let _intake = Process::spawn_with_env(
        &intake_args,
        &env,
        intake_port,
        &dir.path().join("intake.log"),
    )?;

    let channel = connect(&https(intake_port), &pki.client(false)).await?;
    casetrack_tests::agencies::register_over(channel, ADMIN_TOKEN, &["simao"]).await?;
    assert_eq!(
        list_agencies(&https(intake_port), &pki.client(false)).await?,
        1
    );
    let mut log = EventLogClient::new(connect(&https(log_port), &pki.client(true)).await?);
    let head = log
        .next_position(authed(pb::NextPositionRequest {}, ADMIN_TOKEN))
        .await?
        .into_inner();
    assert_eq!(
        head.next_position, 1,
        "the registration went through intake into the log"
    );
    Ok(())
}
