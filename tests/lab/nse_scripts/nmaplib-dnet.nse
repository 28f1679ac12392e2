-- SPDX-License-Identifier: MIT
-- Lab check of cmap's nmap.dnet (tests/lab/test_nse_nmaplib.py): an ARP
-- request sent with ethernet_send and an ICMP echo request sent with
-- ip_send to the host in script-arg target, out of the interface in
-- script-arg iface; the replies are read with a pcap socket and printed.
local nmap = require "nmap"
local packet = require "packet"
local stdnse = require "stdnse"
local ipOps = require "ipOps"

description = "Sends an ARP and an ICMP echo request with nmap.dnet (cmap lab test)."
categories = {"safe"}

prerule = function() return true end

local function listen(dev, filter)
  local pcap = nmap.new_socket()
  pcap:set_timeout(2000)
  pcap:pcap_open(dev, 256, false, filter)
  return pcap
end

action = function()
  local iface = nmap.get_interface_info(stdnse.get_script_args("iface"))
  local target = stdnse.get_script_args("target")
  local tbin = ipOps.ip_to_str(target)
  local dnet = nmap.new_dnet()

  local pcap = listen(iface.device, "arp and arp[6:2] == 2")
  dnet:ethernet_open(iface.device)
  local arp = string.pack(">I2I2BBI2", 1, 0x0800, 6, 4, 1) .. iface.mac
    .. ipOps.ip_to_str(iface.address) .. string.rep("\0", 6) .. tbin
  local frame = string.rep("\255", 6) .. iface.mac .. "\8\6" .. arp
  local sent = dnet:ethernet_send(frame)
  local got, _, _, l3 = pcap:pcap_receive()
  print(("DNET ARP sent=%s reply=%s from=%s"):format(tostring(sent), tostring(got),
    got and ipOps.str_to_ip(l3:sub(15, 18)) or "-"))
  pcap:pcap_close()
  print("DNET ETHCLOSE " .. tostring(dnet:ethernet_close()))

  pcap = listen(iface.device, "icmp and icmp[0] == 0 and src host " .. target)
  print("DNET IPOPEN " .. tostring(dnet:ip_open()))
  local icmp = string.pack(">BBI2I2I2", 8, 0, 0, 0x4242, 1) .. "cmap"
  icmp = icmp:sub(1, 2) .. string.pack(">I2", packet.in_cksum(icmp)) .. icmp:sub(5)
  local ip = string.pack(">BBI2I2I2BBI2", 0x45, 0, 20 + #icmp, 1, 0, 64, 1, 0)
    .. ipOps.ip_to_str(iface.address) .. tbin
  ip = ip:sub(1, 10) .. string.pack(">I2", packet.in_cksum(ip)) .. ip:sub(13)
  sent = dnet:ip_send(ip .. icmp, target)
  got, _, _, l3 = pcap:pcap_receive()
  print(("DNET ICMP sent=%s reply=%s from=%s"):format(tostring(sent), tostring(got),
    got and ipOps.str_to_ip(l3:sub(13, 16)) or "-"))
  pcap:pcap_close()
  print("DNET IPCLOSE " .. tostring(dnet:ip_close()))
  print("DNET ERRORS " .. table.concat({
    tostring(select(2, pcall(dnet.ethernet_open, dnet, "lo"))),
    tostring(select(2, pcall(dnet.ip_send, dnet, ip)))}, " | "))
end
