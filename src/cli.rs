//! Command-line entry points: `serve` (default), `migrate`, `admin create-workspace`,
//! `jobs drain`. Parsing is by hand to keep the dependency tree small.

use secrecy::ExposeSecret;

use crate::app::App;
use crate::error::{Error, Result};
use crate::service;

pub enum Command {
    Serve,
    Migrate,
    CreateWorkspace {
        name: String,
        email: String,
        slug: Option<String>,
        admin_name: Option<String>,
    },
    DrainJobs,
    Seed(service::seed::SeedInput),
    Help,
}

pub const USAGE: &str = "\
Rapport, an open-source CRM backend.

USAGE:
    rapport                      run the product (gateway and/or workers, per RAPPORT_MODE)
    rapport migrate              apply database migrations and exit
    rapport admin create-workspace --name <NAME> --email <ADMIN EMAIL> [--slug <SLUG>] [--admin-name <NAME>]
                                 create a workspace and its first admin; prints a one-time password
    rapport jobs drain           run the workers until every queued job is done, then exit
    rapport seed [--workspace-name Demo] [--companies 100] [--contacts 1000] [--activities 5000]
                 [--leads 200] [--tasks 300] [--deals 150]
                                 a new workspace full of realistic records (and four sales reps
                                 who own the deals, leads and tasks); prints an API key
    rapport help                 this text

Configuration comes from rapport.toml and RAPPORT_* variables; see README.md.";

const SEED_FLAGS: &[&str] = &[
    "--workspace-name",
    "--companies",
    "--contacts",
    "--activities",
    "--leads",
    "--tasks",
    "--deals",
];

pub fn parse(args: &[String]) -> Result<Command> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let flag = |name: &str| -> Option<String> {
        words
            .iter()
            .position(|w| *w == name)
            .and_then(|i| words.get(i + 1))
            .map(|s| s.to_string())
    };
    match words.as_slice() {
        [] | ["serve"] => Ok(Command::Serve),
        ["migrate"] => Ok(Command::Migrate),
        ["jobs", "drain"] => Ok(Command::DrainJobs),
        ["help"] | ["--help"] | ["-h"] => Ok(Command::Help),
        ["seed", rest @ ..] if rest.iter().any(|w| matches!(*w, "--help" | "-h")) => Ok(Command::Help),
        ["seed", rest @ ..] => {
            // Flags come in pairs; a misspelt one would otherwise be ignored silently.
            if let Some(bad) = rest.iter().step_by(2).find(|w| !SEED_FLAGS.contains(w)) {
                return Err(Error::Config(format!(
                    "seed does not take {bad:?}; it takes {}",
                    SEED_FLAGS.join(", ")
                )));
            }
            let d = service::seed::SeedInput::default();
            let num = |name: &str, default: usize| -> Result<usize> {
                flag(name)
                    .map(|v| {
                        v.parse()
                            .map_err(|_| Error::Config(format!("{name} takes a whole number")))
                    })
                    .unwrap_or(Ok(default))
            };
            Ok(Command::Seed(service::seed::SeedInput {
                workspace_name: flag("--workspace-name").unwrap_or(d.workspace_name),
                companies: num("--companies", d.companies)?,
                contacts: num("--contacts", d.contacts)?,
                activities: num("--activities", d.activities)?,
                leads: num("--leads", d.leads)?,
                tasks: num("--tasks", d.tasks)?,
                deals: num("--deals", d.deals)?,
            }))
        }
        ["admin", "create-workspace", ..] => {
            let name =
                flag("--name").ok_or_else(|| Error::Config("admin create-workspace needs --name <NAME>".into()))?;
            let email = flag("--email")
                .ok_or_else(|| Error::Config("admin create-workspace needs --email <ADMIN EMAIL>".into()))?;
            Ok(Command::CreateWorkspace {
                name,
                email,
                slug: flag("--slug"),
                admin_name: flag("--admin-name"),
            })
        }
        _ => Err(Error::Config(format!(
            "unknown command {:?}\n\n{USAGE}",
            words.join(" ")
        ))),
    }
}

/// Runs a one-shot command against a built app and prints its result for a person.
pub async fn create_workspace(
    app: &App,
    name: String,
    email: String,
    slug: Option<String>,
    admin_name: Option<String>,
) -> Result<()> {
    let created = service::workspace::create(
        &app.cx,
        service::workspace::NewWorkspace {
            name,
            slug,
            admin_email: email,
            admin_name,
        },
    )
    .await?;
    println!(
        "Created workspace {:?} (slug {}) with admin {}.\n\
         One-time password: {}\n\
         Sign in at {}/graphql with:\n  mutation {{ signIn(input: {{ email: \"{}\", password: \"<password>\" }}) {{ token }} }}\n\
         then change the password with `changePassword`.",
        created.workspace.name,
        created.workspace.slug,
        created.admin.email,
        created.admin_password.expose_secret(),
        app.config.public_url.trim_end_matches('/'),
        created.admin.email,
    );
    Ok(())
}

/// Seeds a workspace and prints how to use it.
pub async fn seed(app: &App, input: service::seed::SeedInput) -> Result<()> {
    let started = std::time::Instant::now();
    let seeded = service::seed::run(&app.cx, input, |p| eprintln!("seed: {p}")).await?;
    println!("Workspace id: {}", seeded.workspace_id);
    println!(
        "Admin: {} / {}",
        seeded.admin_email,
        seeded.admin_password.expose_secret()
    );
    println!("API key: {}", seeded.api_key.expose_secret());
    eprintln!("seeded in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
