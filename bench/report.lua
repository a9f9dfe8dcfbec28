-- wrk script for bench/run.py: counts responses by status class in every thread, then prints one
-- line "GUILDHALL-BENCH {json}" that run.py parses. Latencies are in microseconds.
-- wrk's own summary.errors.status counts only statuses >= 400; a redirect is a failure here too.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   ok = 0
   non2xx = 0
   last_bad_status = 0
end

function response(status, headers, body)
   if status >= 200 and status < 300 then
      ok = ok + 1
   else
      non2xx = non2xx + 1
      last_bad_status = status
   end
end

function done(summary, latency, requests)
   local total_ok, total_bad, bad_status = 0, 0, 0
   for _, thread in ipairs(threads) do
      total_ok = total_ok + thread:get("ok")
      total_bad = total_bad + thread:get("non2xx")
      local status = thread:get("last_bad_status")
      if status ~= 0 then
         bad_status = status
      end
   end
   local e = summary.errors
   io.write(string.format(
      'GUILDHALL-BENCH {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
      '"ok": %d, "non2xx": %d, "a_bad_status": %d, ' ..
      '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, ' ..
      '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
      summary.requests, summary.duration, summary.bytes,
      total_ok, total_bad, bad_status,
      e.connect, e.read, e.write, e.timeout,
      latency:percentile(50), latency:percentile(95), latency:percentile(99),
      latency.max, latency.mean))
end
