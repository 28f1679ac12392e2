-- SPDX-License-Identifier: MIT
-- Lab check of cmap's nmap library (tests/lab/test_nse_nmaplib.py): a
-- version script's nmap.set_port_version with the probe state given in
-- script-arg ps on the port in script-arg port, and nmap.set_port_state
-- opening the closed port in script-arg closed.
local nmap = require "nmap"
local stdnse = require "stdnse"

description = "Sets a port's version and another port's state (cmap lab test)."
categories = {"safe"}

local function arg(name) return stdnse.get_script_args(name) end

portrule = function(host, port) return port.number == tonumber(arg("port")) end
hostrule = function(host) return arg("closed") ~= nil end

action = function(host, port)
  if not port then
    nmap.set_port_state(host, {number = tonumber(arg("closed")), protocol = "tcp"}, "open")
    return "opened"
  end
  local ps = arg("ps") or "hardmatched"
  port.version.name = ps ~= "tcpwrapped" and "testsvc" or nil
  port.version.product = "Prod"
  port.version.version = "1.2"
  port.version.extrainfo = "x"
  port.version.cpe = {"cpe:/a:test:prod:1.2"}
  if arg("fp") then port.version.service_fp = arg("fp") end
  nmap.set_port_version(host, port, ps)
  return "set " .. ps
end
