-- SPDX-License-Identifier: MIT
-- cmap's writer tests: fixed results in every NSE phase, so the layout of
-- cmap's and nmap's outputs can be compared byte for byte. Sends nothing.
local stdnse = require "stdnse"

description = [[Fixed results in every script phase, for cmap's output tests.]]
author = "cmap"
license = "MIT"
categories = {"safe"}

prerule = function() return true end
hostrule = function(host) return true end
portrule = function(host, port) return port.state == "open" end
postrule = function() return true end

local function nested()
  local t = stdnse.output_table()
  t.name = "value"
  t.list = {"one", "two", {"deep", "er"}}
  local sub = stdnse.output_table()
  sub.key = "v"
  sub.empty = {}
  t.sub = sub
  return t
end

local by_port = {
  [21] = function() return "a<b>&\"c'\ttab\1ctl \195\169 --x" end,
  [22] = function() return "one line" end,
  [80] = function() return "\nstarts with newline\n  indented\n\nafter empty" end,
  [443] = function() return nested() end,
  [25] = function() return "trailing newline\n" end,
  [53] = function() return "" end,
}

action = function(host, port)
  if SCRIPT_TYPE == "prerule" then
    return nested()
  elseif SCRIPT_TYPE == "hostrule" then
    return "line one\n\nline three\n"
  elseif SCRIPT_TYPE == "postrule" then
    local t = stdnse.output_table()
    t.count = 3
    return t, "post text\nsecond"
  end
  local f = by_port[port.number]
  if f then return f() end
  return nil
end
