-- SPDX-License-Identifier: MIT
-- cmap's writer tests: a second script, so ordering between scripts shows.
local stdnse = require "stdnse"

description = [[A second script with fixed results, for cmap's output tests.]]
author = "cmap"
license = "MIT"
categories = {"safe"}

prerule = function() return true end
hostrule = function(host) return true end
portrule = function(host, port) return port.state == "open" and port.number == 22 end
postrule = function() return true end

action = function(host, port)
  if SCRIPT_TYPE == "prerule" then
    return "b pre"
  elseif SCRIPT_TYPE == "hostrule" then
    return {"x", "y", {"z"}}
  elseif SCRIPT_TYPE == "postrule" then
    return "b post"
  end
  return "b on " .. port.number
end
