//! The outgoing-mail ledger. `state`: `pending` → `sending` → `sent` | `failed`
//! (`sending` rows whose claim went stale are retried).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_deliveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workspace_id: Uuid,
    pub idempotency_key: String,
    /// What renders the body: `invitation`, …
    pub kind: String,
    pub reference_id: Uuid,
    pub to_address: String,
    pub subject: String,
    pub message_id: String,
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub claimed_at: Option<DateTimeUtc>,
    pub next_attempt_at: Option<DateTimeUtc>,
    pub sent_at: Option<DateTimeUtc>,
    pub transport: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::stamp_timestamps!();
crate::tenant_scoped!();

impl Entity {
    /// The recovery sweep runs for the whole installation: it only finds ids and hands each
    /// one to a job that carries that row's own workspace.
    pub fn find_unfinished() -> Select<Entity> {
        Entity::find().filter(Column::State.is_in(["pending", "sending"]))
    }
}
