/* 70b000000038_topo_38.c - revision 38 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000038", "70b000000037", "topo 38");
TOPO_BODY(38)
