/// Scenarios the live tests serve. Durations are real at time-scale 1.
enum Scenarios {
    /// A request-scoped session, a 500 ms task that uses it, a 404 path, a cached counter, a JSON body and a stream.
    static let shop = """
    scenario: serve tests
    fastapi: latest
    providers:
      get_db:
        yield: true
        returns: "Session#{{call}}"
      counter:
        returns: "n{{call}}"
    tasks:
      slow_audit: {duration: 500ms, uses: [get_db]}
    routes:
      - GET /users/{user_id}:
          handler: read_user
          params:
            user_id: int
            db: Depends(get_db)
            background_tasks: BackgroundTasks
          adds_tasks: [slow_audit]
          raises: {status: 404, detail: User not found, when: "user_id == 99"}
          returns: {id: "{{user_id}}", session: "{{db}}"}
      - GET /twice:
          handler: twice
          params:
            a: Depends(counter)
            b: Depends(counter)
            q: str = "-"
            session_id: str = Cookie("none")
          duration: 200ms
          returns: {a: "{{a}}", b: "{{b}}", q: "{{q}}", session_id: "{{session_id}}"}
      - POST /items:
          handler: create_item
          params:
            item: dict = Body()
          returns: {created: "{{item}}"}
      - GET /stream:
          handler: stream_items
          params:
            r: Depends(get_db)
          stream: {chunks: ["c{{i}};", "c{{i}};", "c{{i}};"], every: 30ms, uses: [get_db]}
    """

    /// A lifespan around one route whose background task is still running when shutdown is asked for.
    static let lifespan = """
    scenario: shutdown test
    fastapi: latest
    app:
      lifespan:
        startup: [{step: open pool, sets: {pool: pool-1}}]
        shutdown: [close pool]
    providers:
      get_db:
        yield: true
        returns: "Session#{{call}}"
    tasks:
      send_email: {duration: 600ms, uses: [get_db]}
    routes:
      - POST /register:
          handler: register
          params:
            db: Depends(get_db)
            background_tasks: BackgroundTasks
          adds_tasks: [send_email]
          returns: {pool: "{{state.pool}}"}
    """
}
