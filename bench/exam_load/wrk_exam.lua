-- wrk scripts of bench/exam_load/run.py (phases save-wrk and healthz-wrk): wrk is a load generator in C, so it
-- takes a few percent of the two cores where Locust, in Python, takes a quarter.
--
--   wrk -t T -c C -d 30s -s wrk_exam.lua http://127.0.0.1:PORT -- save PATH TOKENS_FILE SEQ_BASE QUESTIONS T
--   wrk -t T -c C -d 20s -s wrk_exam.lua http://127.0.0.1:PORT -- get PATH
--
-- save: every request saves one answer to one of the open attempts the start phases left, with the attempt's token
-- and the cookies a browser would send (TOKENS_FILE: "token<TAB>cookie header<TAB>answers" per line, the answers being
-- per slot the responses the attempt's page allows, in JSON, slots separated by \x1e and a slot's responses by \x1f:
-- each attempt names its options by its own aliases). Request n, counted across threads (thread k of T sends
-- n = k, k + T, k + 2T, ...), goes to attempt n mod A, slot (n div A) mod QUESTIONS + 1, with sequence number
-- SEQ_BASE + n: each (attempt, slot) is visited again only with a larger n, so every save is newer than the stored
-- answer and really writes.

local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  mode, path = args[1], args[2]
  if mode == "save" then
    seq_base, questions, step = tonumber(args[4]), tonumber(args[5]), tonumber(args[6])
    tokens, cookies, answers = {}, {}, {}
    for line in io.lines(args[3]) do
      local token, cookie, paper = line:match("^([^\t]+)\t([^\t]*)\t(.*)$")
      local slots = {}
      for slot in (paper .. "\30"):gmatch("([^\30]*)\30") do
        local responses = {}
        for response in (slot .. "\31"):gmatch("([^\31]*)\31") do
          responses[#responses + 1] = response
        end
        slots[#slots + 1] = responses
      end
      tokens[#tokens + 1] = token
      cookies[#cookies + 1] = cookie
      answers[#answers + 1] = slots
    end
    n = id
  else
    fixed = wrk.format("GET", path)
  end
end

function request()
  if mode ~= "save" then
    return fixed
  end
  local count = #tokens
  local attempt = n % count + 1
  local slot = math.floor(n / count) % questions + 1
  local responses = answers[attempt][slot]
  local response = responses[n % #responses + 1]
  local body = string.format('{"slot":%d,"seq":%d,"response":%s}', slot, seq_base + n, response)
  local headers = {["Content-Type"] = "application/json", ["X-Attempt-Token"] = tokens[attempt]}
  if cookies[attempt] ~= "" then
    headers["Cookie"] = cookies[attempt]
  end
  n = n + step
  return wrk.format("POST", path, headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"seconds":%.3f,"p50":%.3f,"p95":%.3f,"p99":%.3f,"non2xx":%d,"connect":%d,' ..
    '"read":%d,"write":%d,"timeout":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, errors.status, errors.connect, errors.read, errors.write, errors.timeout))
end
