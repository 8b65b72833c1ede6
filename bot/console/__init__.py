"""The officers' web console at `/officer`: the second door to the officers' desk.

An officer signs in with an account (`python -m bot officer add`), sees the queue of the
area their role covers, reads a case with its photos and thread, and claims, asks, notes
and closes it through the runtime's officer path, exactly as the Telegram buttons do. The
statistics page lays out the charts of `bot.officers.charts`; the exports are the filtered
queue as CSV or XLSX, built in memory. For the departure planner it lists the registered
people of the officer's area (and exports them), and sends officers' alerts after a preview.

| module       | job                                                                  |
|--------------|----------------------------------------------------------------------|
| `roles`      | roles and the areas they cover; who may see personal fields          |
| `passwords`  | argon2 password hashes and the TOTP second factor                    |
| `signin`     | sign-in with lock-out and per-address limit; sessions and CSRF       |
| `markup`     | HTML built from escaped pieces (nothing unescaped by default)        |
| `texts`      | the console's words in Indonesian and English                        |
| `pages`      | the page frame, the sign-in page and the queue                       |
| `case_page`  | one case: its facts, photos, thread and action forms                 |
| `stats_page` | the statistics page                                                  |
| `queries`    | a request's filters as a `ReportQuery`                               |
| `calon_page` | the registered people of an area, their progress and filters         |
| `alert_page` | an officers' alert: the form and its preview                         |
| `base`       | what every route shares: session, CSRF forms, audit, the 503 page    |
| `planner_routes` | the routes of the calon list, its export, and alerts             |
| `web`        | the routes and their handlers                                        |
| `accounts`   | the `officer` command line                                           |

The console holds no store of its own: it reaches the store through the runtime, like the
channels (an import contract in `.importlinter`).
"""
