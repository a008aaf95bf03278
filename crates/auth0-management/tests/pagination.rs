//! The pagination engine with fake fetchers (no HTTP).

use std::sync::{Arc, Mutex};

use auth0_management::Error;
use auth0_management::pagination::{Page, PageRequest, Paginator};
use futures::{StreamExt as _, TryStreamExt as _};

type Log = Arc<Mutex<Vec<PageRequest>>>;

/// A fake offset endpoint over `0..n` that honours the 1000-record cap like Auth0 (400).
fn offset_fetcher(n: u64, with_total: bool, log: Log) -> Paginator<u64> {
    Paginator::offset(0, 100, move |req| {
        let log = log.clone();
        async move {
            log.lock().unwrap().push(req.clone());
            let PageRequest::Offset { page, per_page } = req else {
                panic!("unexpected {req:?}");
            };
            assert!(page * per_page < 1000, "the cap must never be requested");
            let start = page * per_page;
            let items: Vec<u64> = (start..(start + per_page).min(n)).collect();
            Ok(Page::new(items)
                .with_total(with_total.then_some(n))
                .with_start(Some(start)))
        }
    })
}

#[tokio::test]
async fn offset_pages_until_total() {
    let log = Log::default();
    let p = offset_fetcher(250, true, log.clone());
    let items = p.collect_all().await.unwrap();
    assert_eq!(items, (0..250).collect::<Vec<_>>());
    assert_eq!(
        *log.lock().unwrap(),
        (0..3)
            .map(|page| PageRequest::Offset {
                page,
                per_page: 100
            })
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn offset_exact_multiple_of_page_size_stops_at_total_without_extra_request() {
    let log = Log::default();
    let items = offset_fetcher(200, true, log.clone())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(items.len(), 200);
    assert_eq!(log.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn offset_without_total_stops_at_short_or_empty_page() {
    let log = Log::default();
    let items = offset_fetcher(250, false, log.clone())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(items.len(), 250);
    assert_eq!(log.lock().unwrap().len(), 3);

    // Exact multiple: one extra, empty page, which is not yielded.
    let log = Log::default();
    let pages: Vec<_> = offset_fetcher(200, false, log.clone())
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(log.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn empty_listing_yields_one_empty_page() {
    let log = Log::default();
    let pages: Vec<_> = offset_fetcher(0, true, log.clone())
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 1);
    assert!(pages[0].items.is_empty());
    assert_eq!(pages[0].total, Some(0));
}

#[tokio::test]
async fn offset_cap_is_an_error_after_the_first_1000_items() {
    let log = Log::default();
    let mut items = offset_fetcher(5000, true, log.clone()).items();
    let mut got = 0u64;
    let err = loop {
        match items.next().await {
            Some(Ok(i)) => {
                assert_eq!(i, got);
                got += 1;
            }
            Some(Err(e)) => break e,
            None => panic!("must end with an error, not silently"),
        }
    };
    assert_eq!(got, 1000);
    assert!(
        matches!(
            err,
            Error::PaginationLimit {
                limit: 1000,
                fetched: 1000,
                total: Some(5000)
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("1000"), "{err}");
    assert!(
        items.next().await.is_none(),
        "the stream ends after the error"
    );
    assert_eq!(log.lock().unwrap().len(), 10);
}

#[tokio::test]
async fn cap_without_total_and_a_page_cut_at_the_limit_is_an_error() {
    // per_page 30: page 33 covers 990..1020 and the server cuts it at 1000.
    let p = Paginator::offset(0, 30, |req: PageRequest| async move {
        let PageRequest::Offset { page, per_page } = req else {
            unreachable!()
        };
        let start = page * per_page;
        Ok(Page::new(
            (start..(start + per_page).min(1000)).collect::<Vec<u64>>(),
        ))
    });
    let err = p.collect_all().await.unwrap_err();
    assert!(
        matches!(err, Error::PaginationLimit { fetched: 1000, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn cap_switches_to_checkpoint_when_allowed() {
    let log = Log::default();
    let l2 = log.clone();
    let n = 1250u64;
    let p = Paginator::offset(0, 100, move |req| {
        let log = l2.clone();
        async move {
            log.lock().unwrap().push(req.clone());
            let (start, size) = match &req {
                PageRequest::Offset { page, per_page } => {
                    assert!(page * per_page < 1000);
                    (page * per_page, *per_page)
                }
                PageRequest::Checkpoint { from, take } => {
                    (from.as_ref().unwrap().parse::<u64>().unwrap() + 1, *take)
                }
            };
            let items: Vec<u64> = (start..(start + size).min(n)).collect();
            let total = (!req.is_checkpoint()).then_some(n);
            Ok(Page::new(items).with_total(total))
        }
    })
    .item_cursor(|i: &u64| Some(i.to_string()))
    .continue_with_checkpoint();
    let items = p.collect_all().await.unwrap();
    assert_eq!(items, (0..n).collect::<Vec<_>>());
    let log = log.lock().unwrap();
    assert_eq!(log.len(), 13);
    assert_eq!(
        log[10],
        PageRequest::Checkpoint {
            from: Some("999".into()),
            take: 100
        }
    );
    assert_eq!(
        log[12],
        PageRequest::Checkpoint {
            from: Some("1199".into()),
            take: 100
        }
    );
}

#[tokio::test]
async fn checkpoint_follows_next_until_absent() {
    let log = Log::default();
    let l2 = log.clone();
    let p = Paginator::checkpoint(None, 2, move |req| {
        let log = l2.clone();
        async move {
            log.lock().unwrap().push(req.clone());
            assert_eq!(req.take(), Some(2));
            Ok(match req.from() {
                None => Page::new(vec!["a", "b"]).with_next(Some("c1".into())),
                Some("c1") => Page::new(vec!["c", "d"]).with_next(Some("c2".into())),
                Some("c2") => Page::new(vec!["e"]),
                Some(other) => panic!("unexpected cursor {other}"),
            })
        }
    });
    let items = p.collect_all().await.unwrap();
    assert_eq!(items, ["a", "b", "c", "d", "e"]);
    assert_eq!(log.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn checkpoint_repeated_cursor_does_not_loop() {
    let calls = Arc::new(Mutex::new(0u32));
    let c2 = calls.clone();
    let p = Paginator::checkpoint(None, 1, move |req| {
        let calls = c2.clone();
        async move {
            *calls.lock().unwrap() += 1;
            // A broken server: A -> B -> A -> ...
            let next = if req.from() == Some("A") { "B" } else { "A" };
            Ok(Page::new(vec![1]).with_next(Some(next.into())))
        }
    });
    let items = p.collect_all().await.unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(*calls.lock().unwrap(), 3);
}

#[tokio::test]
async fn checkpoint_with_item_cursor_stops_at_short_or_empty_page() {
    let p = Paginator::checkpoint(Some("0".into()), 3, |req: PageRequest| async move {
        let from: u64 = req.from().unwrap().parse().unwrap();
        Ok(Page::new(
            ((from + 1)..=(from + 3).min(7)).collect::<Vec<u64>>(),
        ))
    })
    .item_cursor(|i| Some(i.to_string()));
    assert_eq!(p.collect_all().await.unwrap(), (1..=7).collect::<Vec<_>>());

    // Full last page: one more (empty) request ends it.
    let p = Paginator::checkpoint(Some("0".into()), 3, |req: PageRequest| async move {
        let from: u64 = req.from().unwrap().parse().unwrap();
        Ok(Page::new(
            ((from + 1)..=(from + 3).min(6)).collect::<Vec<u64>>(),
        ))
    })
    .item_cursor(|i| Some(i.to_string()));
    let pages: Vec<_> = p.pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 2);
}

#[tokio::test]
async fn lazy_one_page_at_a_time() {
    let log = Log::default();
    let p = offset_fetcher(1000, true, log.clone());
    let _unpolled = p.items();
    assert!(
        log.lock().unwrap().is_empty(),
        "nothing is fetched before polling"
    );
    let first: Vec<_> = p.items().take(150).try_collect().await.unwrap();
    assert_eq!(first.len(), 150);
    assert_eq!(log.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn errors_end_the_stream() {
    let p = Paginator::offset(0, 1, |req: PageRequest| async move {
        match req.page() {
            Some(0) => Ok(Page::new(vec![0])),
            _ => Err(Error::InvalidInput("boom".into())),
        }
    });
    let mut s = p.pages();
    assert!(s.next().await.unwrap().is_ok());
    assert!(matches!(s.next().await, Some(Err(Error::InvalidInput(_)))));
    assert!(s.next().await.is_none());
}

#[tokio::test]
async fn zero_page_size_is_refused_and_max_pages_bounds() {
    let p = Paginator::offset(0, 0, |_req: PageRequest| async { Ok(Page::new(vec![1])) });
    assert!(matches!(p.collect_all().await, Err(Error::InvalidInput(_))));
    let p =
        Paginator::offset(0, 1, |_req: PageRequest| async { Ok(Page::new(vec![1])) }).max_pages(4);
    assert_eq!(p.collect_all().await.unwrap().len(), 4);
}

#[tokio::test]
async fn starting_beyond_the_cap_fails_without_a_request() {
    let p = Paginator::offset(10, 100, |_req: PageRequest| async {
        panic!("must not be called");
        #[allow(unreachable_code)]
        Ok(Page::<u8>::new(vec![]))
    });
    assert!(matches!(
        p.collect_all().await,
        Err(Error::PaginationLimit { fetched: 0, .. })
    ));
}

#[test]
fn page_request_accessors() {
    let o = PageRequest::Offset {
        page: 2,
        per_page: 50,
    };
    assert_eq!(
        (
            o.page(),
            o.per_page(),
            o.include_totals(),
            o.from(),
            o.take()
        ),
        (Some(2), Some(50), Some(true), None, None)
    );
    let c = PageRequest::Checkpoint {
        from: Some("x".into()),
        take: 10,
    };
    assert_eq!(
        (
            c.page(),
            c.per_page(),
            c.include_totals(),
            c.from(),
            c.take()
        ),
        (None, None, None, Some("x"), Some(10))
    );
}
