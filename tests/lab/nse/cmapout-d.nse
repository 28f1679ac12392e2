-- SPDX-License-Identifier: MIT
-- cmap's writer tests: a postrule whose structured result has markup,
-- "--", control bytes and UTF-8 in its keys and values (XML escaping of
-- <table>/<elem>), and a value that is neither a table nor a string.
local stdnse = require "stdnse"

description = [[A structured result that needs escaping, for cmap's output tests.]]
author = "cmap"
license = "MIT"
categories = {"safe"}

postrule = function() return true end

action = function()
  local t = stdnse.output_table()
  t["k--<&>\"'"] = "v--x\1\r\t\195\169<&>"
  t.list = {"a--b", "\27[31mred"}
  t.num = 42
  t.yes = true
  return t
end
