-- SPDX-License-Identifier: MIT
-- cmap's writer tests: a portrule for ports in any state (so some of its
-- results land on ports folded into "Not shown"), a hostrule only when
-- asked (cmapout-c.host), and a postrule.
local stdnse = require "stdnse"

description = [[Results on ports in every state, for cmap's output tests.]]
author = "cmap"
license = "MIT"
categories = {"safe"}

hostrule = function(host) return stdnse.get_script_args("cmapout-c.host") ~= nil end
portrule = function(host, port) return true end
postrule = function() return true end

action = function(host, port)
  if SCRIPT_TYPE == "hostrule" then
    if stdnse.get_script_args("cmapout-c.host") == "empty" then return "" end
    return "c host"
  elseif SCRIPT_TYPE == "postrule" then
    return "c post"
  end
  if port.number == 81 then return "cr\rhere" end
  return "c " .. port.state
end
