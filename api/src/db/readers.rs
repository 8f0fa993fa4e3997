//! Read-only connections, used from blocking threads.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::Connection;
use tokio::sync::Semaphore;

use super::DbError;

pub struct Readers {
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
}

impl Readers {
    pub fn open(path: &Path, n: usize) -> Result<Readers, DbError> {
        let conns = (0..n).map(|_| super::open_read_only(path)).collect::<Result<Vec<_>, _>>()?;
        Ok(Readers { idle: Mutex::new(conns), permits: Semaphore::new(n) })
    }

    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let permit = self.permits.acquire().await.map_err(|_| E::from(DbError::Closed))?;
        let conn = self.idle.lock().expect("reader pool").pop().expect("a permit means an idle connection");
        match tokio::task::spawn_blocking(move || {
            let result = f(&conn);
            (conn, result)
        })
        .await
        {
            Ok((conn, result)) => {
                self.idle.lock().expect("reader pool").push(conn);
                result
            }
            Err(_) => {
                // The read panicked and took its connection with it: the pool is one smaller.
                permit.forget();
                Err(E::from(DbError::Closed))
            }
        }
    }
}
