"""Where the rules come from: the decree and the programme's public pages."""

DECREE = (
    "decree of the Flemish Government of 4 March 2016 on support for innovation clusters "
    "(BS 7 April 2016, no. 2016035404)"
)
DECREE_URL = "http://www.ejustice.just.fgov.be/eli/besluit/2016/03/04/2016035404/justel"
VLAIO_SUBSIDY = "https://www.vlaio.be/nl/subsidies-financiering/subsidiedatabank/innovatieclusters"
VLAIO_POLICY = (
    "https://www.vlaio.be/nl/clusterorganisaties/het-clusterbeleid/het-vlaamse-clusterbeleid"
)
VLAIO_ICN = (
    "https://www.vlaio.be/nl/vlaio-netwerk/clusterorganisaties/het-clusterbeleid/"
    "innovatieve-bedrijfsnetwerken"
)
VLAIO_SPEARHEAD = (
    "https://www.vlaio.be/nl/andere-doelgroepen/flanders-innovation-entrepreneurship/"
    "innovation-clusters-flanders/spearhead"
)
FIT_POLICY = "http://invest.flandersinvestmentandtrade.com/en/business-environment/cluster-policy"
VLAIO_NETWORK = (
    "https://www.vlaio.be/nl/vlaio-netwerk/clusterorganisaties/lerend-netwerk/"
    "lerend-netwerk-voor-clusterorganisaties"
)
# The registry format as an installed clusters describes it (the wheel has no docs/).
FORMAT = "the registry format, `clusters schema`"

# The European Cluster Collaboration Platform's criteria for a cluster-organisation profile
# (the platform's "Register your profile" page; the criteria were read on the ECCP's copy).
ECCP_REGISTER = (
    "ECCP, Register your profile: https://clustercollaboration.eu/register-your-profile "
    "(criteria as read at https://impr-0001-1260-partners.eccp.hosted-temp.com/register-your-profile)"
)
# ESCA's labels of cluster management excellence.
ESCA = "https://www.cluster-analysis.org"
ESCA_BRONZE = "https://www.cluster-analysis.org/benchmarked-clusters"
ESCA_SILVER = "https://www.cluster-analysis.org/silver-label"
ESCA_GOLD_EXAMPLE = "https://www.gceocean.no/about-us/cluster-management-excellence/"
ESCA_NEEDS_ECCP = (
    "https://clustercollaboration.eu/news/esca-new-eligibility-criteria-cluster-management-"
    "excellence-labels"
)
KBO_OPEN_DATA = (
    "https://economie.fgov.be/en/themes/enterprises/crossroads-bank-enterprises/"
    "services-everyone/public-data-available-reuse/cbe-open-data"
)
