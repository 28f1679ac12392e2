-- SPDX-License-Identifier: MIT
-- cmap's writer tests: results that are no string and no filled table (a
-- number, an empty table), which nmap's XML writes in forms of their own.
description = [[Bare values as results, for cmap's output tests.]]
author = "cmap"
license = "MIT"
categories = {"safe"}

prerule = function() return true end
postrule = function() return true end

action = function()
  if SCRIPT_TYPE == "prerule" then return 42 end
  return {}
end
