//! Realistic demo and benchmark data in bulk: `rapport seed --companies N --contacts N
//! --activities N --leads N --tasks N --deals N`. Rows go in with multi-row INSERTs of `BATCH`
//! rows per statement, one transaction per batch, so memory stays flat whatever the counts
//! (but for the ids of companies, contacts and deals, which later rows link to).
//!
//! Companies, contacts and activities come first and are numbered 1..N in creation order (the
//! benchmarks look contacts up by number); the sales team, deals, leads and tasks follow.

use chrono::{DateTime, Duration, Utc};
use entity::{
    activity, company, company_domain, contact, contact_email, contact_phone, lead, opportunity, opportunity_contact,
    pipeline_stage, stage_change, task, user,
};
use rand::Rng;
use rand::seq::IndexedRandom;
use sea_orm::{EntityTrait, Set, TransactionTrait};
use secrecy::SecretString;
use uuid::Uuid;

use crate::auth::token::TokenKind;
use crate::domain::role::{Role, status};
use crate::error::Result;
use crate::service::{
    Context, contact as contacts, lead as leads, now, opportunity as deals, pipeline, records, session, workspace,
};

const BATCH: usize = 1000;

/// What to create. [`Default`] is what `rapport seed` makes without options: small enough to
/// take seconds, enough for every screen of a demo to show something.
pub struct SeedInput {
    pub workspace_name: String,
    pub companies: usize,
    pub contacts: usize,
    pub activities: usize,
    pub leads: usize,
    pub tasks: usize,
    pub deals: usize,
}

impl Default for SeedInput {
    fn default() -> Self {
        Self {
            workspace_name: "Demo".into(),
            companies: 100,
            contacts: 1000,
            activities: 5000,
            leads: 200,
            tasks: 300,
            deals: 150,
        }
    }
}

/// The sales reps the seed adds next to the admin (deals, leads and tasks are spread over them
/// all). They are active but have no password: an admin signs in and manages them.
const REPS: usize = 4;

pub struct Seeded {
    pub workspace_id: Uuid,
    pub admin_email: String,
    pub admin_password: SecretString,
    pub api_key: SecretString,
}

const PREFIXES: &[&str] = &[
    "North",
    "Blue",
    "Golden",
    "Silver",
    "Eastern",
    "Pacific",
    "Summit",
    "Harbor",
    "Pioneer",
    "Lotus",
    "Jade",
    "Crane",
    "Evergreen",
    "Bright",
    "Union",
    "Star",
];
const STEMS: &[&str] = &[
    "Logistics",
    "Machinery",
    "Textiles",
    "Foods",
    "Software",
    "Pharma",
    "Electronics",
    "Steel",
    "Retail",
    "Energy",
    "Motors",
    "Chemicals",
    "Paper",
    "Optics",
    "Biotech",
];
const SUFFIXES: &[&str] = &[
    "Co., Ltd.",
    "Group",
    "Inc.",
    "GmbH",
    "Holdings",
    "Trading",
    "Industries",
    "Partners",
];
const INDUSTRIES: &[&str] = &[
    "Manufacturing",
    "Retail",
    "Healthcare",
    "Software",
    "Logistics",
    "Energy",
    "Finance",
    "Education",
];
const REGIONS: &[&str] = &["华东", "华北", "华南", "西南", "EMEA", "North America", "APAC", "LATAM"];
const TIERS: &[&str] = &["A", "B", "C"];
const FIRST: &[&str] = &[
    "Wei", "Fang", "Li", "Min", "Anna", "James", "Sofia", "Lukas", "Mei", "Hiro", "Olivia", "Noah", "Chen", "Yuki",
    "Omar", "Elena", "Ravi", "Lena", "Jun", "Mateo",
];
const LAST: &[&str] = &[
    "Wang",
    "Zhang",
    "Liu",
    "Chen",
    "Müller",
    "Smith",
    "Garcia",
    "Tanaka",
    "Kim",
    "Rossi",
    "Novak",
    "Silva",
    "Khan",
    "Nguyen",
    "Johansson",
    "Dubois",
];
const KINDS: &[&str] = &["call", "visit", "meeting", "note"];
const SUBJECTS: &[&str] = &[
    "Intro call",
    "Quarterly review",
    "Price negotiation",
    "Site visit",
    "Demo",
    "Follow-up on quote",
    "Contract questions",
    "Support escalation",
    "Trade show chat",
    "Renewal discussion",
];

/// Creates a workspace with an admin and an API key, then the records.
pub async fn run(cx: &Context, input: SeedInput, progress: impl Fn(&str)) -> Result<Seeded> {
    let tag = &Uuid::new_v4().simple().to_string()[..6];
    let admin_email = format!("admin+{tag}@seed.example");
    let created = workspace::create(
        cx,
        workspace::NewWorkspace {
            name: input.workspace_name.clone(),
            slug: Some(format!("{}-{tag}", input.workspace_name)),
            admin_email: admin_email.clone(),
            admin_name: Some("Seed Admin".into()),
        },
    )
    .await?;
    let ws = created.workspace.id;
    let admin = created.admin.id;
    let (api_key, _) = session::issue(&cx.db, &created.admin, TokenKind::ApiKey, "seed", None).await?;
    let mut rng = rand::rng();
    let t0 = now();
    let owners = reps(cx, ws, admin, tag, t0).await?;

    let mut company_ids: Vec<Uuid> = Vec::with_capacity(input.companies);
    for start in (0..input.companies).step_by(BATCH) {
        let end = (start + BATCH).min(input.companies);
        let mut rows = Vec::with_capacity(end - start);
        let mut domains = Vec::with_capacity(end - start);
        for n in start..end {
            let id = Uuid::now_v7();
            let name = format!(
                "{} {} {} {}",
                PREFIXES.choose(&mut rng).unwrap_or(&"North"),
                STEMS.choose(&mut rng).unwrap_or(&"Foods"),
                SUFFIXES.choose(&mut rng).unwrap_or(&"Inc."),
                n + 1
            );
            let created_at = t0 - Duration::minutes(rng.random_range(0..1_000_000));
            rows.push(company::ActiveModel {
                id: Set(id),
                workspace_id: Set(ws),
                number: Set(n as i64 + 1),
                name_lower: Set(name.to_lowercase()),
                name: Set(name),
                industry: Set(INDUSTRIES.choose(&mut rng).map(|s| s.to_string())),
                region: Set(REGIONS.choose(&mut rng).map(|s| s.to_string())),
                address: Set(None),
                website: Set(Some(format!("https://company-{}.example", n + 1))),
                source: Set(Some("seed".into())),
                tier: Set(TIERS.choose(&mut rng).map(|s| s.to_string())),
                owner_id: Set(Some(admin)),
                deleted_at: Set(None),
                created_by: Set(Some(admin)),
                created_at: Set(created_at),
                updated_at: Set(created_at),
            });
            domains.push(company_domain::ActiveModel {
                id: Set(Uuid::now_v7()),
                workspace_id: Set(ws),
                company_id: Set(id),
                domain: Set(format!("company-{}.example", n + 1)),
                created_at: Set(created_at),
                updated_at: Set(created_at),
            });
            company_ids.push(id);
        }
        let txn = cx.db.begin().await?;
        company::Entity::insert_many(rows).exec(&txn).await?;
        company_domain::Entity::insert_many(domains).exec(&txn).await?;
        txn.commit().await?;
        progress(&format!("companies: {end}/{}", input.companies));
    }
    records::set_counter(&cx.db, ws, "company", input.companies as i64 + 1).await?;

    // With their company: a contact's activity also lands on its company, as `activity::log` does.
    let mut contact_ids: Vec<(Uuid, Option<Uuid>)> = Vec::with_capacity(input.contacts);
    // Names and addresses, for the leads that were converted into these contacts.
    let mut contact_people: Vec<(String, String)> = Vec::with_capacity(input.contacts);
    for start in (0..input.contacts).step_by(BATCH) {
        let end = (start + BATCH).min(input.contacts);
        let (mut rows, mut emails, mut phones) = (Vec::new(), Vec::new(), Vec::new());
        for n in start..end {
            let id = Uuid::now_v7();
            let (first, last) = (
                FIRST.choose(&mut rng).unwrap_or(&"Li"),
                LAST.choose(&mut rng).unwrap_or(&"Wang"),
            );
            let name = format!("{first} {last} {}", n + 1);
            let person = name.clone();
            let company = company_ids.choose(&mut rng).copied();
            let created_at = t0 - Duration::minutes(rng.random_range(0..1_000_000));
            rows.push(contact::ActiveModel {
                id: Set(id),
                workspace_id: Set(ws),
                number: Set(n as i64 + 1),
                name_lower: Set(name.to_lowercase()),
                name: Set(name),
                title: Set(Some(
                    ["Buyer", "CTO", "Purchasing Manager", "CEO", "Engineer"]
                        .choose(&mut rng)
                        .unwrap_or(&"Buyer")
                        .to_string(),
                )),
                company_id: Set(company),
                owner_id: Set(Some(admin)),
                referred_by_id: Set(None),
                public_notes: Set(None),
                semi_public_notes: Set(None),
                private_notes: Set(None),
                deleted_at: Set(None),
                created_by: Set(Some(admin)),
                created_at: Set(created_at),
                updated_at: Set(created_at),
            });
            let email = format!("{}.{}.{}@mail-{}.example", first.to_lowercase(), n + 1, tag, n % 997);
            contact_people.push((person, email.clone()));
            emails.push(contact_email::ActiveModel {
                id: Set(Uuid::now_v7()),
                workspace_id: Set(ws),
                contact_id: Set(id),
                email_canonical: Set(email.to_lowercase()),
                email: Set(email),
                is_primary: Set(true),
                created_at: Set(created_at),
                updated_at: Set(created_at),
            });
            let digits = format!("+86138{:08}", n + 1);
            phones.push(contact_phone::ActiveModel {
                id: Set(Uuid::now_v7()),
                workspace_id: Set(ws),
                contact_id: Set(id),
                phone: Set(digits.clone()),
                phone_digits: Set(digits),
                is_primary: Set(true),
                created_at: Set(created_at),
                updated_at: Set(created_at),
            });
            contact_ids.push((id, company));
        }
        let txn = cx.db.begin().await?;
        contact::Entity::insert_many(rows).exec(&txn).await?;
        contact_email::Entity::insert_many(emails).exec(&txn).await?;
        contact_phone::Entity::insert_many(phones).exec(&txn).await?;
        txn.commit().await?;
        if end.is_multiple_of(10_000) || end == input.contacts {
            progress(&format!("contacts: {end}/{}", input.contacts));
        }
    }
    records::set_counter(&cx.db, ws, "contact", input.contacts as i64 + 1).await?;

    if !contact_ids.is_empty() {
        for start in (0..input.activities).step_by(BATCH) {
            let end = (start + BATCH).min(input.activities);
            let mut rows = Vec::with_capacity(end - start);
            for _ in start..end {
                let (contact, company) = contact_ids.choose(&mut rng).copied().unzip();
                let at = t0 - Duration::minutes(rng.random_range(0..1_000_000));
                rows.push(activity::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    workspace_id: Set(ws),
                    kind: Set(KINDS.choose(&mut rng).unwrap_or(&"call").to_string()),
                    subject: Set(SUBJECTS.choose(&mut rng).unwrap_or(&"Call").to_string()),
                    body: Set(None),
                    occurred_at: Set(at),
                    duration_minutes: Set(Some(rng.random_range(5..90))),
                    outcome: Set(None),
                    company_id: Set(company.flatten()),
                    contact_id: Set(contact),
                    lead_id: Set(None),
                    opportunity_id: Set(None),
                    owner_id: Set(Some(admin)),
                    latitude: Set(None),
                    longitude: Set(None),
                    address: Set(None),
                    check_in_at: Set(None),
                    check_out_at: Set(None),
                    created_by: Set(Some(admin)),
                    created_at: Set(at),
                    updated_at: Set(at),
                });
            }
            activity::Entity::insert_many(rows).exec(&cx.db).await?;
            if end.is_multiple_of(100_000) || end == input.activities {
                progress(&format!("activities: {end}/{}", input.activities));
            }
        }
    }
    let sales = Sales {
        cx,
        ws,
        admin,
        t0,
        owners: &owners,
        contacts: &contact_ids,
        people: &contact_people,
        companies: &company_ids,
    };
    let deal_ids = sales.deals(input.deals, &progress).await?;
    sales.leads(input.leads, &deal_ids, &progress).await?;
    sales.tasks(input.tasks, &deal_ids, &progress).await?;
    Ok(Seeded {
        workspace_id: ws,
        admin_email,
        admin_password: created.admin_password,
        api_key,
    })
}

const DEAL_ITEMS: &[&str] = &[
    "forklifts",
    "CNC lathes",
    "ERP licences",
    "solar panels",
    "lab analysers",
    "delivery vans",
    "packaging lines",
    "support contract",
    "servers",
    "cold-chain containers",
];
const CURRENCIES: &[(&str, u32)] = &[("CNY", 50), ("USD", 25), ("EUR", 15), ("JPY", 5), ("GBP", 5)];
const LOST_REASONS: &[&str] = &[
    "Price too high",
    "Chose a competitor",
    "Budget frozen",
    "No decision maker reached",
    "Timing: next fiscal year",
];
const NEXT_STEPS: &[&str] = &[
    "Send revised quote",
    "Book site visit",
    "Technical demo with their engineers",
    "Get the purchasing manager on a call",
    "Draft contract",
];
const ROLES: &[&str] = &["decision maker", "buyer", "technical evaluator", "champion"];
const LEAD_SOURCES: &[&str] = &["web", "trade show", "referral", "cold call", "advertisement", "partner"];
const FREE_MAIL: &[&str] = &["gmail.com", "outlook.com", "qq.com", "163.com"];
const TASK_TITLES: &[&str] = &[
    "Call back about the quote",
    "Send product brochure",
    "Prepare demo",
    "Follow up after the trade show",
    "Check payment status",
    "Schedule site visit",
    "Renewal reminder",
    "Ask for a referral",
];
const TIME_ZONES: &[&str] = &["Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC"];

/// Adds the sales team: [`REPS`] active reps next to the admin. Returns the admin and the reps.
async fn reps(cx: &Context, ws: Uuid, admin: Uuid, tag: &str, t0: DateTime<Utc>) -> Result<Vec<Uuid>> {
    let mut ids = vec![admin];
    let mut rows = Vec::with_capacity(REPS);
    for (i, (first, last)) in FIRST.iter().zip(LAST.iter()).take(REPS).enumerate() {
        let id = Uuid::now_v7();
        let email = format!("rep{}+{tag}@seed.example", i + 1);
        rows.push(user::ActiveModel {
            id: Set(id),
            workspace_id: Set(ws),
            email_canonical: Set(email.clone()),
            email: Set(email),
            name: Set(format!("{first} {last}")),
            role: Set(Role::Rep.as_str().into()),
            department_id: Set(None),
            password_hash: Set(None),
            status: Set(status::ACTIVE.into()),
            last_sign_in_at: Set(None),
            created_by: Set(Some(admin)),
            created_at: Set(t0),
            updated_at: Set(t0),
        });
        ids.push(id);
    }
    user::Entity::insert_many(rows).exec(&cx.db).await?;
    Ok(ids)
}

/// One of `items`, picked in proportion to its weight.
fn weighted<'a, T>(rng: &mut impl Rng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut at = rng.random_range(0..total.max(1));
    for (item, w) in items {
        if at < *w {
            return item;
        }
        at -= w;
    }
    &items[items.len() - 1].0
}

fn one<'a>(rng: &mut impl Rng, items: &[&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}

/// What the sales records link to, and who they belong to.
struct Sales<'a> {
    cx: &'a Context,
    ws: Uuid,
    admin: Uuid,
    t0: DateTime<Utc>,
    /// The admin and the reps: owners of deals and leads, assignees of tasks.
    owners: &'a [Uuid],
    /// (contact, its company)
    contacts: &'a [(Uuid, Option<Uuid>)],
    /// (name, email) of each contact, in the same order.
    people: &'a [(String, String)],
    companies: &'a [Uuid],
}

/// The stages a seeded deal went through, in order: some way through the open stages, then
/// still open, won, lost, or won and on to after-sales.
fn deal_path(rng: &mut impl Rng, open: &[Uuid], won: Uuid, lost: Uuid, after_sales: Uuid) -> Vec<Uuid> {
    let reached = *weighted(rng, &[(1, 35), (2, 30), (3, 20), (4, 15)]);
    let mut path: Vec<Uuid> = open.iter().take(reached).copied().collect();
    match *weighted(rng, &[("open", 60), ("won", 20), ("lost", 15), ("after_sales", 5)]) {
        "won" => path.push(won),
        "lost" => path.push(lost),
        "after_sales" => path.extend([won, after_sales]),
        _ => {}
    }
    path
}

impl Sales<'_> {
    fn owner(&self, rng: &mut impl Rng) -> Uuid {
        self.owners.choose(rng).copied().unwrap_or(self.admin)
    }

    /// Deals in the default pipeline, spread over its stages, each with the stage changes that
    /// brought it there (created in the first stage, then one stage at a time; won and lost
    /// deals closed with the time of their last move, lost ones with a reason) and a contact.
    async fn deals(&self, count: usize, progress: &impl Fn(&str)) -> Result<Vec<Uuid>> {
        if count == 0 {
            return Ok(Vec::new());
        }
        let mut rng = rand::rng();
        let pipe = pipeline::default_pipeline(&self.cx.db, self.ws).await?;
        let stages = pipeline::stages(&self.cx.db, self.ws, pipe.id).await?;
        let of_kind = |k: &str| -> Vec<&pipeline_stage::Model> { stages.iter().filter(|s| s.kind == k).collect() };
        let open: Vec<Uuid> = of_kind("open").iter().map(|s| s.id).collect();
        let kind_id = |k: &str| of_kind(k).first().map(|s| s.id);
        let (Some(won), Some(lost), Some(after_sales)) = (kind_id("won"), kind_id("lost"), kind_id("after_sales"))
        else {
            return Err(crate::error::Error::Internal(
                "the default pipeline lacks its closing stages".into(),
            ));
        };
        let kind_of = |id: Uuid| {
            stages
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.kind.as_str())
                .unwrap_or("open")
        };
        let mut ids = Vec::with_capacity(count);
        for start in (0..count).step_by(BATCH) {
            let end = (start + BATCH).min(count);
            let (mut rows, mut links, mut moves) = (Vec::new(), Vec::new(), Vec::new());
            for n in start..end {
                let id = Uuid::now_v7();
                let path = deal_path(&mut rng, &open, won, lost, after_sales);
                let created_at = self.t0 - Duration::days(rng.random_range(30..400));
                // One move every few days, never in the future.
                let (mut at, mut last_move, mut from) = (created_at, created_at, None);
                for to in &path {
                    moves.push(stage_change::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        workspace_id: Set(self.ws),
                        opportunity_id: Set(id),
                        from_stage_id: Set(from),
                        to_stage_id: Set(*to),
                        changed_by: Set(Some(self.admin)),
                        created_at: Set(at),
                        updated_at: Set(at),
                    });
                    from = Some(*to);
                    last_move = at;
                    at = (at + Duration::days(rng.random_range(1..20))).min(self.t0);
                }
                let stage = from.unwrap_or(won);
                let kind = kind_of(stage);
                let (contact, company) = match self.contacts.choose(&mut rng) {
                    Some((c, co)) => (Some(*c), *co),
                    None => (None, self.companies.choose(&mut rng).copied()),
                };
                let currency = *weighted(&mut rng, CURRENCIES);
                // Minor units: whole yen, cents otherwise; round figures as quotes are.
                let whole = rng.random_range(5..2_000) * 1_000;
                let amount = if currency == "JPY" { whole * 150 } else { whole * 100 };
                let name = format!("{} {}", rng.random_range(2..300), one(&mut rng, DEAL_ITEMS));
                rows.push(opportunity::ActiveModel {
                    id: Set(id),
                    workspace_id: Set(self.ws),
                    number: Set(n as i64 + 1),
                    name_lower: Set(name.to_lowercase()),
                    name: Set(name),
                    company_id: Set(company),
                    pipeline_id: Set(pipe.id),
                    stage_id: Set(stage),
                    amount_minor: Set(amount),
                    currency: Set(currency.into()),
                    expected_close_date: Set(Some(
                        (created_at + Duration::days(rng.random_range(30..150))).date_naive(),
                    )),
                    owner_id: Set(Some(self.owner(&mut rng))),
                    lost_reason: Set((kind == "lost").then(|| one(&mut rng, LOST_REASONS).to_string())),
                    next_step: Set((kind == "open").then(|| one(&mut rng, NEXT_STEPS).to_string())),
                    closed_at: Set((kind != "open").then_some(last_move)),
                    deleted_at: Set(None),
                    created_by: Set(Some(self.admin)),
                    created_at: Set(created_at),
                    updated_at: Set(last_move),
                });
                if let Some(c) = contact {
                    links.push(opportunity_contact::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        workspace_id: Set(self.ws),
                        opportunity_id: Set(id),
                        contact_id: Set(c),
                        role: Set(Some(one(&mut rng, ROLES).to_string())),
                        created_at: Set(created_at),
                        updated_at: Set(created_at),
                    });
                }
                ids.push(id);
            }
            let txn = self.cx.db.begin().await?;
            opportunity::Entity::insert_many(rows).exec(&txn).await?;
            if !links.is_empty() {
                opportunity_contact::Entity::insert_many(links).exec(&txn).await?;
            }
            stage_change::Entity::insert_many(moves).exec(&txn).await?;
            txn.commit().await?;
            if end.is_multiple_of(10_000) || end == count {
                progress(&format!("deals: {end}/{count}"));
            }
        }
        records::set_counter(&self.cx.db, self.ws, deals::RECORD, count as i64 + 1).await?;
        Ok(ids)
    }

    /// Leads in every status, from the usual sources; converted ones are linked to the contact
    /// (and its company) they became, some to a deal too.
    async fn leads(&self, count: usize, deal_ids: &[Uuid], progress: &impl Fn(&str)) -> Result<()> {
        let mut rng = rand::rng();
        const STATUSES: &[(&str, u32)] = &[
            ("new", 35),
            ("working", 25),
            ("qualified", 15),
            ("disqualified", 10),
            ("converted", 15),
        ];
        for start in (0..count).step_by(BATCH) {
            let end = (start + BATCH).min(count);
            let mut rows = Vec::with_capacity(end - start);
            for n in start..end {
                let created_at = self.t0 - Duration::minutes(rng.random_range(0..500_000));
                let mut status = *weighted(&mut rng, STATUSES);
                // A converted lead is the contact it became; without contacts there is none.
                let converted = match (status, self.contacts.is_empty()) {
                    ("converted", false) => {
                        let i = rng.random_range(0..self.contacts.len());
                        Some((self.contacts[i], &self.people[i]))
                    }
                    ("converted", true) => {
                        status = "qualified";
                        None
                    }
                    _ => None,
                };
                let (name, email, company_name, contact, company) = match converted {
                    Some(((contact, company), (name, email))) => {
                        (name.clone(), email.clone(), None, Some(contact), company)
                    }
                    None => {
                        let (first, last) = (one(&mut rng, FIRST), one(&mut rng, LAST));
                        let company_name = rng.random_bool(0.8).then(|| {
                            format!(
                                "{} {} {}",
                                one(&mut rng, PREFIXES),
                                one(&mut rng, STEMS),
                                one(&mut rng, SUFFIXES)
                            )
                        });
                        let domain = match &company_name {
                            Some(c) if rng.random_bool(0.7) => {
                                format!(
                                    "{}.example",
                                    c.split(' ').take(2).collect::<Vec<_>>().join("-").to_lowercase()
                                )
                            }
                            _ => one(&mut rng, FREE_MAIL).to_string(),
                        };
                        let email = format!("{}.{}{}@{domain}", first.to_lowercase(), last.to_lowercase(), n + 1);
                        (format!("{first} {last}"), email, company_name, None, None)
                    }
                };
                let phone = rng
                    .random_bool(0.7)
                    .then(|| format!("+86 139 {:04} {:04}", rng.random_range(0..10_000), n % 10_000));
                let source = rng.random_bool(0.9).then(|| one(&mut rng, LEAD_SOURCES).to_string());
                let converted_at = contact.map(|_| (created_at + Duration::days(rng.random_range(1..30))).min(self.t0));
                let deal = contact.and_then(|_| {
                    if rng.random_bool(0.5) {
                        deal_ids.choose(&mut rng).copied()
                    } else {
                        None
                    }
                });
                rows.push(lead::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    workspace_id: Set(self.ws),
                    number: Set(n as i64 + 1),
                    name_lower: Set(name.to_lowercase()),
                    name: Set(name),
                    company_name_lower: Set(company_name.as_deref().map(str::to_lowercase)),
                    company_name: Set(company_name),
                    email_canonical: Set(Some(email.to_lowercase())),
                    email: Set(Some(email)),
                    phone_digits: Set(phone.as_deref().map(crate::domain::phone::digits)),
                    phone: Set(phone),
                    source_lower: Set(source.as_deref().map(str::to_lowercase)),
                    source: Set(source),
                    status: Set(status.into()),
                    owner_id: Set(Some(self.owner(&mut rng))),
                    converted_contact_id: Set(contact),
                    converted_company_id: Set(company),
                    converted_opportunity_id: Set(deal),
                    converted_at: Set(converted_at),
                    deleted_at: Set(None),
                    created_by: Set(Some(self.admin)),
                    created_at: Set(created_at),
                    updated_at: Set(converted_at.unwrap_or(created_at)),
                });
            }
            lead::Entity::insert_many(rows).exec(&self.cx.db).await?;
            if end.is_multiple_of(10_000) || end == count {
                progress(&format!("leads: {end}/{count}"));
            }
        }
        records::set_counter(&self.cx.db, self.ws, leads::RECORD, count as i64 + 1).await?;
        Ok(())
    }

    /// Tasks around today (some overdue, some done, some without a due time), assigned across
    /// the team, about contacts and deals or about nothing in particular.
    async fn tasks(&self, count: usize, deal_ids: &[Uuid], progress: &impl Fn(&str)) -> Result<()> {
        let mut rng = rand::rng();
        for start in (0..count).step_by(BATCH) {
            let end = (start + BATCH).min(count);
            let mut rows = Vec::with_capacity(end - start);
            for _ in start..end {
                let created_at = self.t0 - Duration::minutes(rng.random_range(60..200_000));
                let due = rng
                    .random_bool(0.8)
                    .then(|| self.t0 + Duration::hours(rng.random_range(-30 * 24..60 * 24)));
                let done = match due {
                    Some(d) if d < self.t0 => rng.random_bool(0.6),
                    _ => rng.random_bool(0.1),
                };
                let link = match rng.random_range(0..10) {
                    0..5 => self.contacts.choose(&mut rng).map(|(c, _)| (contacts::RECORD, *c)),
                    5..8 => deal_ids.choose(&mut rng).map(|d| (deals::RECORD, *d)),
                    _ => None,
                };
                let (record_type, record_id) = link.unzip();
                let title = one(&mut rng, TASK_TITLES).to_string();
                let reminders = if due.is_some() && rng.random_bool(0.3) {
                    "[30]"
                } else {
                    "[]"
                };
                let completed_at = done.then(|| (created_at + Duration::hours(rng.random_range(1..72))).min(self.t0));
                rows.push(task::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    workspace_id: Set(self.ws),
                    title_lower: Set(title.to_lowercase()),
                    title: Set(title),
                    due_at: Set(due),
                    time_zone: Set(one(&mut rng, TIME_ZONES).into()),
                    assignee_id: Set(self.owner(&mut rng)),
                    status: Set(if done { "done" } else { "open" }.into()),
                    priority: Set((*weighted(&mut rng, &[("low", 25), ("normal", 55), ("high", 20)])).into()),
                    record_type: Set(record_type.map(String::from)),
                    record_id: Set(record_id),
                    reminder_offsets: Set(reminders.into()),
                    completed_at: Set(completed_at),
                    deleted_at: Set(None),
                    created_by: Set(Some(self.admin)),
                    created_at: Set(created_at),
                    updated_at: Set(completed_at.unwrap_or(created_at)),
                });
            }
            task::Entity::insert_many(rows).exec(&self.cx.db).await?;
            if end.is_multiple_of(10_000) || end == count {
                progress(&format!("tasks: {end}/{count}"));
            }
        }
        Ok(())
    }
}
