//! One start for every root of the app: the standalone app ([`crate::app::App`]), each widget
//! ([`crate::widget`]) and the browser tests. [`Root::start`] provides what a tree needs, in the one order
//! that works: the filing session, the device store, the address (the standalone app's, which the saver and
//! the courier ask whether the form is on this module's pages), the autosave, the two kinds of the delivery
//! outbox, and the organisation's config from the root's API folder. Nothing else provides these, and
//! nothing creates one when it is missing: [`crate::root_context::from_root`] makes a missing one a loud error in debug builds.

use crate::device_store::DeviceStore;
use crate::filing::{Courier, DraftSaver, FilingSession};
use crate::org_config::SharedConfig;
use crate::router::Location;
use crate::services::api::ApiBase;
use crate::services::store_scope::StoreScope;
use crate::tracking::ReplyCourier;

/// Which root is being started.
pub enum RootKind {
    /// The standalone app, whose module draws the pages at the paths `draws` says (`app::Pages`).
    App { draws: fn(&str) -> bool },
    /// A widget in a host page: its own store's scope and the organisation's API folder.
    Widget { store: StoreScope, api: ApiBase },
}

/// What a started root holds, for the view that mounts it.
#[derive(Clone, Copy)]
pub struct Root {
    pub session: FilingSession,
    /// The address, in the standalone app only (a widget's host owns its address).
    pub location: Option<Location>,
    pub config: SharedConfig,
}

impl Root {
    /// Starts the current root's state and services; all of it is released when the root unmounts.
    pub fn start(kind: RootKind) -> Root {
        let (scope, draws, api) = match kind {
            RootKind::App { draws } => (StoreScope::app(), Some(draws), ApiBase::default()),
            RootKind::Widget { store, api } => (store, None, api),
        };
        // The draft and its saving live above the routes, so moving between pages loses nothing.
        let session = FilingSession::provide();
        let device = DeviceStore::provide(scope);
        // Before the saver and the courier, which ask it whether the form is on this module's pages.
        let location = draws.map(Location::provide);
        let saver = DraftSaver::start(device, session);
        Courier::start(device, saver.for_delivery(), session);
        ReplyCourier::start(device);
        let config = SharedConfig::provide(api);
        Root {
            session,
            location,
            config,
        }
    }
}
