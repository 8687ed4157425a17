//! Realistic demo and benchmark data in bulk: `rapport seed --companies N --contacts N
//! --activities N`. Rows go in with multi-row INSERTs of `BATCH` rows per statement, one
//! transaction per batch, so memory stays flat whatever the counts.

use chrono::Duration;
use entity::{activity, company, company_domain, contact, contact_email, contact_phone};
use rand::Rng;
use rand::seq::IndexedRandom;
use sea_orm::{EntityTrait, Set, TransactionTrait};
use secrecy::SecretString;
use uuid::Uuid;

use crate::auth::token::TokenKind;
use crate::error::Result;
use crate::service::{Context, now, records, session, workspace};

const BATCH: usize = 1000;

pub struct SeedInput {
    pub workspace_name: String,
    pub companies: usize,
    pub contacts: usize,
    pub activities: usize,
}

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
    Ok(Seeded {
        workspace_id: ws,
        admin_email,
        admin_password: created.admin_password,
        api_key,
    })
}
