"""Test helpers: personas, factories, the flow chat, sandbox drivers (nothing named test_*).

One helper per thing; fixtures live in the conftest.py files and use these.

- chat: FlowChat, a person's private chat (or the manager group) driving the engine
- people: ids, make_person / make_engineer, client_chat / engineer_chat, invites, person()
- jobs: make_job and its presets (assigned_job, breakdown), open_ticket, reading tickets
- outbox: the rows queued to send, the manager chat's alerts, a row's buttons
- steps: scripted walks through flows (a breakdown report, a checklist logged)
- seed: the customer base, the example checklists and parts, places near the sites
- known_month: a known month of tickets for reports
- dates: the company's zone and moments in it
- databases: the test databases; reaching and counting what a test stored
- delivery: fast pacing, plain messages queued, a recording fake send
- sandbox: raw Bot API calls, both runtimes, the toy echo handler
- live: the end-to-end live bot and a sandbox user's steps
- texts: /help and the main menu as they must read
"""
