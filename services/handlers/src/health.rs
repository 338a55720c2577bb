//! The process's `grpc.health.v1` answers: a service is SERVING while it is served and no supervised task it
//! depends on is down; each supervised task is also reported under its own name (`casetrack.task.{name}`), so
//! an operator sees which reaction stopped. One place decides, so a task coming back never marks SERVING a
//! service that another task still holds down.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tokio::sync::Mutex;
use tonic_health::ServingStatus;
use tonic_health::pb::health_server::HealthServer;
use tonic_health::server::{HealthReporter, HealthService};

/// Prefix of the health name a supervised task is reported under.
pub const TASK_HEALTH_PREFIX: &str = "casetrack.task.";

/// Cheap to clone; every clone reports into the same health service.
#[derive(Clone)]
pub struct Health {
    reporter: HealthReporter,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// Names reported SERVING unless a task holds them down: the services served and the tasks' own names.
    known: BTreeSet<String>,
    /// Tasks that are down, and the names each holds down.
    down: BTreeMap<String, Vec<String>>,
}

impl Default for Health {
    fn default() -> Self {
        Health::new()
    }
}

impl Health {
    pub fn new() -> Health {
        Health {
            reporter: HealthReporter::new(),
            state: Arc::default(),
        }
    }

    /// The `grpc.health.v1.Health` service answering from this state.
    pub fn service(&self) -> HealthServer<HealthService> {
        HealthServer::new(HealthService::from_health_reporter(self.reporter.clone()))
    }

    /// Report `names` (services, the empty name for the whole server) SERVING unless a task holds them down.
    pub async fn serve(&self, names: &[&str]) {
        let mut state = self.state.lock().await;
        state
            .known
            .extend(names.iter().map(|name| (*name).to_owned()));
        self.publish(
            &state,
            names.iter().map(|name| (*name).to_owned()).collect(),
        )
        .await;
    }

    /// Task `task` is down: its own name and every name in `affects` turn NOT_SERVING.
    pub async fn task_down(&self, task: &str, affects: &[&str]) {
        let mut state = self.state.lock().await;
        let mut names: Vec<String> = affects.iter().map(|name| (*name).to_owned()).collect();
        names.push(task_health_name(task));
        state.known.extend(names.iter().cloned());
        state.down.insert(task.to_owned(), names.clone());
        self.publish(&state, names).await;
    }

    /// Task `task` is up again: what it held down turns SERVING unless another task still holds it.
    pub async fn task_up(&self, task: &str) {
        let mut state = self.state.lock().await;
        let own = task_health_name(task);
        state.known.insert(own.clone());
        let names = state.down.remove(task).unwrap_or_else(|| vec![own]);
        self.publish(&state, names).await;
    }

    async fn publish(&self, state: &State, names: Vec<String>) {
        for name in names {
            let down = state.down.values().any(|held| held.contains(&name));
            let status = if down {
                ServingStatus::NotServing
            } else {
                ServingStatus::Serving
            };
            self.reporter.set_service_status(name, status).await;
        }
    }
}

/// The health name task `task` is reported under.
pub fn task_health_name(task: &str) -> String {
    format!("{TASK_HEALTH_PREFIX}{task}")
}
