/* 70b000000047_topo_47.c - revision 47 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000047", "70b000000046", "topo 47");
TOPO_BODY(47)
