"""Mass awareness programmes over video-conference bridge sites (điểm cầu): the sites, and (next) programmes,
sessions, check-in and attendance. Sits beside campaigns: it may use every app below it."""
