-- SPDX-License-Identifier: MIT
-- Lab check of cmap's nmap.mutex and nmap.condvar under the real engine
-- (tests/lab/test_nse_nmaplib.py): worker threads take a mutex in turn
-- and hold it across a sleep, the script waits on a condition variable
-- for them, a thread that dies holding the mutex passes it on, and a
-- thread that dies waiting on the condition variable wakes the others.
local nmap = require "nmap"
local stdnse = require "stdnse"

description = "Orders threads with nmap.mutex and nmap.condvar (cmap lab test)."
categories = {"safe"}

prerule = function() return true end

action = function()
  local m = nmap.mutex("cmap-lab-mutex")
  local cv = nmap.condvar("cmap-lab-mutex")
  local log, done = {}, 0
  local function finish()
    done = done + 1
    cv "signal"
  end
  local function worker(id)
    m "lock"
    log[#log + 1] = "L" .. id
    stdnse.sleep(0.05)
    log[#log + 1] = "U" .. id
    m "done"
    finish()
  end
  for i = 1, 3 do stdnse.new_thread(worker, i) end
  while done < 3 do cv "wait" end
  log[#log + 1] = "trylock=" .. tostring(m "trylock")
  m "done"
  stdnse.new_thread(function() m "lock"; stdnse.sleep(0.02); error("dies holding the lock") end)
  stdnse.new_thread(function() m "lock"; log[#log + 1] = "after-death"; m "done"; finish() end)
  while done < 4 do cv "wait" end
  -- a waiter on another condvar: its thread ending (error) broadcasts
  local cv2 = nmap.condvar("cmap-lab-cv2")
  stdnse.new_thread(function() local c = nmap.condvar("cmap-lab-cv2"); stdnse.sleep(0.02); error("dies") end)
  cv2 "wait"
  log[#log + 1] = "woken"
  print("MUTEX " .. table.concat(log, ","))
end
