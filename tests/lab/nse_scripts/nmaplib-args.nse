-- SPDX-License-Identifier: MIT
-- Lab check of cmap's nmap library (tests/lab/test_nse_nmaplib.py): how
-- nmap.* functions take odd arguments (numbers as strings or floats, bad
-- options, missing fields): the results and error messages, printed.
description = "Prints nmap.* answers to odd arguments (cmap lab test)."
categories = {"safe"}
hostrule = function() return true end
action = function(host)
  local r = {}
  for _, n in ipairs({"22", 22.0, 22.5, -1, 70000}) do
    local ok, p = pcall(nmap.get_port_state, host, {number = n, protocol = "tcp"})
    r[#r+1] = tostring(n) .. ":" .. tostring(ok) .. ":" .. (type(p) == "table" and p.state or tostring(p))
  end
  local ok, e = pcall(nmap.get_port_state, host, {number = 22, protocol = "icmp"})
  r[#r+1] = tostring(e)
  ok, e = pcall(nmap.get_port_state, host, {number = 22})
  r[#r+1] = tostring(e)
  ok, e = pcall(nmap.set_port_state, host, {number = 22, protocol = "tcp"}, "filtered")
  r[#r+1] = tostring(e)
  ok, e = pcall(nmap.get_ports, host, nil, "tcp", "bogus")
  r[#r+1] = tostring(e)
  ok, e = pcall(nmap.mutex, 5)
  r[#r+1] = tostring(e)
  ok, e = pcall(nmap.set_port_version, host, {number = 22, protocol = "tcp"})
  r[#r+1] = tostring(e)
  ok, e = pcall(nmap.set_port_version, host, {number = 22, protocol = "tcp", version = {service_tunnel = "x"}})
  r[#r+1] = tostring(e)
  ok, e = pcall(nmap.fetchfile)
  r[#r+1] = tostring(e)
  ok, e = pcall(nmap.resolve, "localhost", "bogus")
  r[#r+1] = tostring(e)
  ok, e = pcall(nmap.log_write, "bogus", "x")
  r[#r+1] = tostring(e)
  print("NUM " .. table.concat(r, "\nNUM "))
end
