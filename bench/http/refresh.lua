-- The refresh-with-rotation row: POST /p with a refresh token that is used once. The first tokens
-- come from a file (one a line, at least one per connection); each answer's new refresh token goes
-- into the queue for a later request, so no token is ever sent twice (the server would refuse it).
wrk.method = "POST"

local queue, head, tail = {}, 1, 0

function init(args)
  for line in io.lines(args[1]) do
    tail = tail + 1
    queue[tail] = line
  end
end

function request()
  local token = queue[head]
  queue[head] = nil
  head = head + 1
  return wrk.format(nil, nil, { ["Authorization"] = "Bearer " .. token })
end

function response(status, headers, body)
  local token = body:match('"refresh_token":"([^"]+)"')
  if token then
    tail = tail + 1
    queue[tail] = token
  end
end
