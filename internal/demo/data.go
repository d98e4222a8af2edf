package demo

import "github.com/cyberaid/cyberaid/internal/model"

// The demo's cast follows the Tallinn Mechanism's public documents: the
// twelve signatory members (Ukraine among them), the EU and NATO as
// observers from the start, Ukrainian critical-infrastructure operators as
// beneficiaries, and the companies and NGOs that point 10 of the mission
// statement invites to contribute. Companies and the NGO are invented.

type orgSpec struct {
	key           string
	name          string
	kind          model.OrgKind
	participation model.Participation
	country       string
}

var orgSpecs = []orgSpec{
	{"ca", "Canada", model.KindState, model.Member, "CA"},
	{"dk", "Denmark", model.KindState, model.Member, "DK"},
	{"ee", "Estonia", model.KindState, model.Member, "EE"},
	{"fr", "France", model.KindState, model.Member, "FR"},
	{"de", "Germany", model.KindState, model.Member, "DE"},
	{"it", "Italy", model.KindState, model.Member, "IT"},
	{"nl", "Netherlands", model.KindState, model.Member, "NL"},
	{"pl", "Poland", model.KindState, model.Member, "PL"},
	{"se", "Sweden", model.KindState, model.Member, "SE"},
	{"gb", "United Kingdom", model.KindState, model.Member, "GB"},
	{"us", "United States", model.KindState, model.Member, "US"},
	{"ua", "Ukraine", model.KindState, model.Member, "UA"},

	{"eu", "European Union", model.KindInternationalOrg, model.Observer, ""},
	{"nato", "NATO", model.KindInternationalOrg, model.Observer, ""},
	{"wb", "World Bank", model.KindInternationalOrg, model.Observer, ""},

	{"ssscip", "State Service of Special Communications and Information Protection of Ukraine (SSSCIP)", model.KindBeneficiaryAgency, model.Beneficiary, "UA"},
	{"power", "Oblenergo Regional Power Distributor", model.KindBeneficiaryAgency, model.Beneficiary, "UA"},
	{"registers", "State Registers Holder", model.KindBeneficiaryAgency, model.Beneficiary, "UA"},
	{"water", "Vodokanal Municipal Water Utility", model.KindBeneficiaryAgency, model.Beneficiary, "UA"},
	{"telecom", "National Backbone Telecom Operator", model.KindBeneficiaryAgency, model.Beneficiary, "UA"},

	{"vendor", "Kestrel Endpoint Security Ltd", model.KindPrivateCompany, model.Contributor, "GB"},
	{"satcom", "Halcyon Orbital Communications SA", model.KindPrivateCompany, model.Contributor, "LU"},
	{"ngo", "Civic Cyber Resilience Foundation", model.KindNGO, model.Contributor, "NL"},
}

type userSpec struct {
	local string // the part of the e-mail address before Domain; also the user's key
	name  string
	org   string
	roles []model.Role
}

// The lead-country rotation puts Estonia in the front office and Poland in
// the back office here.
var userSpecs = []userSpec{
	{"admin", "Kadri Tamm", "ee", []model.Role{model.RoleAdmin}},
	{"coordinator", "Mart Kask", "ee", []model.Role{model.RoleCoordinator}},
	{"coordinator.warsaw", "Agnieszka Nowak", "pl", []model.Role{model.RoleCoordinator}},
	{"validator", "Olena Kovalenko", "ua", []model.Role{model.RoleValidator}},
	{"validator.interagency", "Serhii Hnatiuk", "ua", []model.Role{model.RoleValidator}},

	{"requester", "Andrii Shevchenko", "ssscip", []model.Role{model.RoleRequester}},
	{"requester.energy", "Iryna Bondarenko", "power", []model.Role{model.RoleRequester}},
	{"requester.registers", "Dmytro Melnyk", "registers", []model.Role{model.RoleRequester}},
	{"requester.water", "Oksana Tkachenko", "water", []model.Role{model.RoleRequester}},
	{"requester.telecom", "Taras Kravchenko", "telecom", []model.Role{model.RoleRequester}},

	{"donor", "Jennifer Walsh", "us", []model.Role{model.RoleDonor}},
	{"donor.uk", "Oliver Bennett", "gb", []model.Role{model.RoleDonor}},
	{"donor.de", "Katrin Weber", "de", []model.Role{model.RoleDonor}},
	{"donor.dk", "Mette Larsen", "dk", []model.Role{model.RoleDonor}},
	{"donor.ca", "Sophie Tremblay", "ca", []model.Role{model.RoleDonor}},
	{"donor.se", "Erik Lindqvist", "se", []model.Role{model.RoleDonor}},
	{"donor.pl", "Piotr Zielinski", "pl", []model.Role{model.RoleDonor}},
	{"donor.fr", "Claire Dubois", "fr", []model.Role{model.RoleDonor}},
	{"donor.ee", "Liis Saar", "ee", []model.Role{model.RoleDonor}},
	{"donor.eu", "Anna Keller", "eu", []model.Role{model.RoleDonor}},
	{"donor.company", "James Carter", "vendor", []model.Role{model.RoleDonor}},
	{"donor.satcom", "Lucie Moreau", "satcom", []model.Role{model.RoleDonor}},
	{"donor.ngo", "Maarten de Vries", "ngo", []model.Role{model.RoleDonor}},

	{"delegate", "Rein Kuusk", "ee", []model.Role{model.RoleDelegate}},
	{"delegate.ua", "Yurii Lysenko", "ua", []model.Role{model.RoleDelegate}},
	{"delegate.nl", "Sanne Jansen", "nl", []model.Role{model.RoleDelegate}},
	{"viewer", "Giulia Rossi", "it", []model.Role{model.RoleViewer}},
}

// workingGroups put the government's validators in the two working groups:
// Olena Kovalenko reviews for the technical group, Serhii Hnatiuk for the
// interagency group.
var workingGroups = map[string]model.WorkingGroup{
	"validator":             model.GroupTechnical,
	"validator.interagency": model.GroupInteragency,
}

// bannerAccounts are the sign-ins listed for people trying the demo: one
// per role, and a company donor, whose view of AMBER records differs.
var bannerAccounts = []string{
	"admin", "coordinator", "validator", "requester", "donor", "donor.company", "delegate", "viewer",
}

// revision is a requirement the validators first return and the requester
// then corrects, so that the demo shows the whole loop of the domain (docs/architecture.md).
type revision struct {
	comment     string // the validator's reason for returning it
	eur         int64  // the corrected estimate, whole euros
	description string
}

type reqSpec struct {
	key         string
	by          string // requester
	title       string
	description string
	sector      model.Sector
	category    model.Category
	line        model.LineOfEffort
	priority    model.Priority
	eur         int64 // estimated cost, whole euros
	quantity    int64
	unit        string
	neededIn    int // days from today; 0 leaves needed-by unset
	region      string
	tlp         model.TLP
	named       []string // users who read a RED record
	sharedWith  []string // organisations a coordinator shares it with

	status  model.RequirementStatus
	comment string // the validator's comment on the final decision
	revise  *revision
	// withdrawnFrom is the status a withdrawn requirement had, and
	// withdrawnBy who took it out.
	withdrawnFrom model.RequirementStatus
	withdrawnBy   string
}

const (
	energy     model.Sector = "energy"
	telecom    model.Sector = "telecom"
	government model.Sector = "government"
	finance    model.Sector = "finance"
	transport  model.Sector = "transport"
	water      model.Sector = "water"
	health     model.Sector = "health"
	otherSect  model.Sector = "other"

	hardware    model.Category = "hardware_software"
	edr         model.Category = "edr"
	ir          model.Category = "incident_response"
	training    model.Category = "training"
	satcom      model.Category = "satellite_comms"
	auditing    model.Category = "audit_consulting"
	restoration model.Category = "restoration"
	otherCat    model.Category = "other"

	support    = model.LineSupport
	strengthen = model.LineStrengthen
	sustain    = model.LineSustain

	critical = model.PriorityCritical
	high     = model.PriorityHigh
	medium   = model.PriorityMedium
	low      = model.PriorityLow

	tlpClear       = model.TLPClear
	tlpGreen       = model.TLPGreen
	tlpAmber       = model.TLPAmber
	tlpAmberStrict = model.TLPAmberStrict
	tlpRed         = model.TLPRed

	validated = model.ReqValidated
)

var reqSpecs = []reqSpec{
	// Validated needs, open to pledges.
	{key: "edr-energy", by: "requester.energy", status: validated,
		title:       "EDR licences for regional power distributors",
		description: "Ліцензії EDR на три роки для робочих станцій і серверів диспетчерських центрів обленерго, з цілодобовим моніторингом і реагуванням. Endpoint detection and response for 30,000 endpoints across dispatch centres and district offices, three-year term, with a 24/7 managed detection service.",
		sector:      energy, category: edr, line: support, priority: critical,
		eur: 22_000_000, quantity: 30_000, unit: "endpoint licences (3 years)", neededIn: 60, region: "UA-32", tlp: tlpAmber,
		comment: "Confirmed by the working group: distributors in Kyiv oblast first."},
	{key: "ir-retainer", by: "requester", status: validated,
		title:       "Incident response retainer for CERT-UA surge support",
		description: "A 12-month retainer with accredited incident response providers to reinforce CERT-UA during large-scale destructive attacks: remote triage within 4 hours, on-site teams within 72 hours.",
		sector:      government, category: ir, line: support, priority: critical,
		eur: 9_000_000, quantity: 12, unit: "months", neededIn: 45, tlp: tlpAmber},
	{key: "sat-registries", by: "requester.registers", status: validated,
		title:       "Satellite terminals for continuity of state registries",
		description: "Супутникові термінали з обслуговуванням на 24 місяці, щоб центри надання адміністративних послуг і реєстратори працювали під час відключень зв'язку. Terminals with 24 months of service so that registry offices keep working through power and network outages.",
		sector:      government, category: satcom, line: support, priority: critical,
		eur: 18_000_000, quantity: 3_000, unit: "terminals with 24-month service", neededIn: 90, tlp: tlpAmber,
		// Shared so that the satellite company, which sees an AMBER need
		// only once engaged on it, can pledge terminals.
		sharedWith: []string{"satcom"},
		comment:    "Priority after the recent attack on the state registers."},
	{key: "scada-water", by: "requester.water", status: validated,
		title:       "Backup restoration of water SCADA after wiper attack",
		description: "Rebuild the SCADA servers and engineering workstations of two treatment plants from offline backups, verify PLC logic against golden images, and install an immutable backup system.",
		sector:      water, category: restoration, line: support, priority: critical,
		eur: 3_200_000, quantity: 1, unit: "project", neededIn: 30, region: "UA-51", tlp: tlpAmberStrict,
		sharedWith: []string{"de", "us"}},
	{key: "audit-regulator", by: "requester", status: validated,
		title:       "Security audit of the national energy regulator",
		description: "Independent audit of the energy regulator's information systems, tariff databases and market-monitoring interfaces against ISO/IEC 27001 and the NIS2 directive, with a remediation plan.",
		sector:      energy, category: auditing, line: strengthen, priority: high,
		eur: 850_000, quantity: 1, unit: "audit", neededIn: 180, tlp: tlpGreen},
	{key: "soc-training", by: "requester", status: validated,
		title:       "SOC analyst training for regional cyber centres",
		description: "Tier 1 and tier 2 analyst courses, with hands-on exercises on a cyber range, for the staff of regional cybersecurity centres.",
		sector:      government, category: training, line: strengthen, priority: high,
		eur: 2_500_000, quantity: 240, unit: "trainees", neededIn: 240, tlp: tlpClear},
	{key: "fw-telecom", by: "requester.telecom", status: validated,
		title:       "Next-generation firewalls for the telecom core network",
		description: "Firewall clusters with intrusion prevention for the core and interconnection points of the national backbone, with three years of support and threat-feed subscriptions.",
		sector:      telecom, category: hardware, line: support, priority: high,
		eur: 14_000_000, quantity: 60, unit: "firewall clusters", neededIn: 120, tlp: tlpAmber},
	{key: "backup-dc", by: "requester", status: validated,
		title:       "National backup data centre for critical state registries",
		description: "Резервний центр обробки даних за межами зони бойових дій для реєстрів, від яких залежать соціальні виплати, нерухомість і бізнес. A geographically separate backup data centre, with replication, for the registers that payments, property and business depend on.",
		sector:      government, category: restoration, line: sustain, priority: critical,
		eur: 60_000_000, quantity: 1, unit: "data centre", neededIn: 540, tlp: tlpAmber,
		comment: "Long-term priority of the working group."},
	{key: "property-register", by: "requester.registers", status: validated,
		title:       "Hardening of the state property register against wiper malware",
		description: "EDR, application allow-listing and privileged-access management for the servers and operator workstations of the state property register.",
		sector:      government, category: edr, line: support, priority: critical,
		eur: 3_600_000, quantity: 2_400, unit: "endpoints", neededIn: 30, tlp: tlpAmberStrict},
	{key: "substations", by: "requester.energy", status: validated,
		title:       "Restoration of substation control systems after cyberattack",
		description: "Replace compromised RTUs and protection relays' engineering software, rebuild the control network with segmentation, and restore telemetry to the dispatch centre.",
		sector:      energy, category: restoration, line: support, priority: critical,
		eur: 45_000_000, quantity: 35, unit: "substations", neededIn: 150, region: "UA-63", tlp: tlpAmber},
	{key: "sat-backhaul", by: "requester.telecom", status: validated,
		title:       "Satellite backhaul for mobile base stations in frontline oblasts",
		description: "Супутниковий транспорт для базових станцій, які втратили оптичні лінії через обстріли. Satellite backhaul for base stations whose fibre links are cut by shelling.",
		sector:      telecom, category: satcom, line: support, priority: critical,
		eur: 28_000_000, quantity: 1_200, unit: "terminals", neededIn: 60, region: "UA-59", tlp: tlpAmber},
	{key: "cyber-range", by: "requester", status: validated,
		title:       "Cyber range for national cyber exercises",
		description: "A cyber range platform and scenario library for national exercises of government and critical-infrastructure teams.",
		sector:      government, category: training, line: sustain, priority: medium,
		eur: 14_000_000, quantity: 1, unit: "platform", neededIn: 365, tlp: tlpGreen,
		revise: &revision{
			comment:     "Please separate platform licences from scenario development and reduce the hardware share: hosting is available in the national data centre.",
			eur:         12_000_000,
			description: "A cyber range platform (licences for five years) and a library of 40 scenarios for national exercises of government and critical-infrastructure teams, hosted in the national data centre.",
		}},
	{key: "ehealth-soc", by: "requester", status: validated,
		title:       "Security operations centre for the national eHealth system",
		description: "SIEM, log collection and a 24/7 monitoring service for the eHealth system that holds patient records and e-prescriptions.",
		sector:      health, category: hardware, line: strengthen, priority: high,
		eur: 8_000_000, quantity: 1, unit: "SOC", neededIn: 270, tlp: tlpAmber},
	{key: "edr-hospitals", by: "requester", status: validated,
		title:       "EDR licences for hospitals and regional health departments",
		description: "Endpoint protection for hospitals that run the eHealth client and for regional health departments.",
		sector:      health, category: edr, line: support, priority: high,
		eur: 3_800_000, quantity: 8_000, unit: "licences", neededIn: 120, tlp: tlpGreen},
	{key: "ir-banks", by: "requester", status: validated,
		title:       "Incident response and forensics for state-owned banks",
		description: "Incident response engagements, compromise assessments and forensic support for state-owned banks targeted by intrusion sets linked to the aggressor.",
		sector:      finance, category: ir, line: support, priority: high,
		eur: 5_000_000, quantity: 4, unit: "engagements", neededIn: 90, tlp: tlpAmberStrict,
		sharedWith: []string{"gb"}},
	{key: "rail-audit", by: "requester", status: validated,
		title:       "Audit of railway signalling and ticketing IT",
		description: "Security audit of the railway operator's ticketing platform and the IT side of signalling, with penetration tests.",
		sector:      transport, category: auditing, line: strengthen, priority: medium,
		eur: 950_000, quantity: 1, unit: "audit", neededIn: 200, tlp: tlpAmber},
	{key: "ics-water", by: "requester.water", status: validated,
		title:       "Industrial control system monitoring for water utilities",
		description: "Passive OT network monitoring sensors and a central console for treatment plants and pumping stations.",
		sector:      water, category: hardware, line: strengthen, priority: high,
		eur: 6_000_000, quantity: 25, unit: "treatment plants", neededIn: 210, region: "UA-12", tlp: tlpAmber},
	{key: "scholarships", by: "requester.energy", status: validated,
		title:       "Cybersecurity master's scholarships for energy sector staff",
		description: "Two-year master's scholarships in cybersecurity for engineers of power distributors, with a commitment to return to the sector.",
		sector:      energy, category: training, line: sustain, priority: low,
		eur: 450_000, quantity: 30, unit: "scholarships", neededIn: 300, tlp: tlpClear},
	{key: "ti-platform", by: "requester", status: validated,
		title:       "Threat intelligence platform subscription for CERT-UA",
		description: "A threat intelligence platform with commercial feeds, for three years, to share indicators with critical-infrastructure operators.",
		sector:      government, category: hardware, line: strengthen, priority: medium,
		eur: 2_400_000, quantity: 3, unit: "years", neededIn: 150, tlp: tlpAmber},
	{key: "treasury", by: "requester", status: validated,
		title:       "Security assessment of the state treasury's payment systems",
		description: "Assessment of the treasury's payment and budget systems against the central bank's requirements, with red-team testing.",
		sector:      finance, category: auditing, line: sustain, priority: medium,
		eur: 720_000, quantity: 1, unit: "assessment", neededIn: 330, tlp: tlpAmber},
	{key: "fibre", by: "requester.telecom", status: validated,
		title:       "Restoration of fibre backbone network management systems",
		description: "Rebuild the network management and provisioning systems of the fibre backbone after a destructive attack, and replace damaged optical equipment in Zaporizhzhia oblast.",
		sector:      telecom, category: restoration, line: strengthen, priority: high,
		eur: 25_000_000, quantity: 1, unit: "project", neededIn: 240, region: "UA-23", tlp: tlpAmber},
	{key: "awareness", by: "requester", status: validated,
		title:       "Cyber hygiene awareness campaign for local self-government",
		description: "Навчання з кібергігієни для працівників громад: фішинг, паролі, резервні копії. Phishing, passwords and backups, for staff of territorial communities.",
		sector:      otherSect, category: training, line: sustain, priority: low,
		eur: 260_000, quantity: 1_500, unit: "participants", neededIn: 400, tlp: tlpClear},
	{key: "grants", by: "requester", status: validated,
		title:       "Cyber resilience grants for critical infrastructure suppliers",
		description: "Small grants for software and service suppliers of critical infrastructure to fix their own security, since attackers reach operators through them.",
		sector:      otherSect, category: otherCat, line: sustain, priority: medium,
		eur: 10_000_000, quantity: 50, unit: "grants", neededIn: 450, tlp: tlpAmber},
	{key: "ir-hospital", by: "requester", status: validated,
		title:       "Incident response for a regional hospital ransomware case",
		description: "Containment, recovery and forensic analysis after ransomware encrypted a regional hospital's systems.",
		sector:      health, category: ir, line: support, priority: critical,
		eur: 1_100_000, quantity: 1, unit: "engagement", neededIn: 14, region: "UA-46", tlp: tlpRed,
		named: []string{"validator", "coordinator", "donor"}},
	{key: "hydro", by: "requester.energy", status: validated,
		title:       "Frontline hardware for hydro power plant control networks",
		description: "Industrial firewalls, data diodes and hardened engineering workstations for the control networks of hydro power plants on the Dnipro.",
		sector:      energy, category: hardware, line: support, priority: critical,
		eur: 16_000_000, quantity: 6, unit: "power plants", neededIn: 90, region: "UA-71", tlp: tlpAmber},
	{key: "air-nav", by: "requester", status: validated,
		title:       "EDR for air navigation services ahead of airspace reopening",
		description: "Endpoint detection and response for the air navigation service provider's IT and flight-data systems, to be ready before civil airspace reopens.",
		sector:      transport, category: edr, line: support, priority: critical,
		eur: 4_500_000, quantity: 1_800, unit: "endpoints", neededIn: 120, tlp: tlpAmber},

	// Drafts.
	{key: "switches", by: "requester.energy", status: model.ReqDraft,
		title:       "Spare network switches for dispatch centres",
		description: "Industrial switches kept in reserve to restore dispatch centre networks within hours.",
		sector:      energy, category: hardware, line: support, priority: medium,
		eur: 640_000, quantity: 80, unit: "switches", tlp: tlpAmber},
	{key: "noc-training", by: "requester.telecom", status: model.ReqDraft,
		title:       "Cybersecurity training for telecom NOC staff",
		description: "Courses on detecting and handling attacks for network operations centre engineers.",
		sector:      telecom, category: training, line: strengthen, priority: low,
		eur: 210_000, quantity: 60, unit: "trainees", neededIn: 270, tlp: tlpGreen},
	{key: "pentest-civil", by: "requester.registers", status: model.ReqDraft,
		title:       "Penetration test of the civil status register",
		description: "External and internal penetration tests of the civil status register and its registrar workstations.",
		sector:      government, category: auditing, line: strengthen, priority: medium,
		eur: 160_000, quantity: 1, unit: "test", neededIn: 150, tlp: tlpAmberStrict},

	// Submitted, waiting for the working group.
	{key: "sat-pumping", by: "requester.water", status: model.ReqSubmitted,
		title:       "Satellite connectivity for remote pumping stations",
		description: "Terminals for pumping stations whose telemetry links fail during blackouts.",
		sector:      water, category: satcom, line: support, priority: high,
		eur: 730_000, quantity: 90, unit: "terminals", neededIn: 75, region: "UA-48", tlp: tlpAmber},
	{key: "ir-customs", by: "requester", status: model.ReqSubmitted,
		title:       "Incident response for customs IT systems",
		description: "Incident response capacity for the customs service, whose clearance systems were disrupted twice this year.",
		sector:      finance, category: ir, line: support, priority: high,
		eur: 1_300_000, quantity: 2, unit: "engagements", neededIn: 60, tlp: tlpAmber},
	{key: "edr-maintenance", by: "requester.energy", status: model.ReqSubmitted,
		title:       "Long-term maintenance of the EDR deployment in power distribution",
		description: "Licence renewals and in-house operation of the EDR fleet after the donor-funded term ends.",
		sector:      energy, category: edr, line: sustain, priority: medium,
		eur: 2_200_000, quantity: 30_000, unit: "endpoint licences (2 years)", neededIn: 700, tlp: tlpAmber},
	{key: "forensics-lab", by: "requester", status: model.ReqSubmitted,
		title:       "Forensic laboratory equipment for cyber police units",
		description: "Write blockers, imaging stations and mobile forensics kits for regional cyber police units investigating attacks on civilian infrastructure.",
		sector:      otherSect, category: otherCat, line: strengthen, priority: medium,
		eur: 1_100_000, quantity: 12, unit: "laboratory kits", neededIn: 200, tlp: tlpAmber},

	// Returned for changes.
	{key: "cloud-registries", by: "requester.registers", status: model.ReqReturned,
		title:       "Cloud hosting for state registries",
		description: "Cloud hosting and migration services for state registries.",
		sector:      government, category: hardware, line: sustain, priority: medium,
		eur: 15_000_000, quantity: 1, unit: "programme", neededIn: 500, tlp: tlpAmber,
		comment: "Split hosting from migration services and list the registries concerned; the backup data centre requirement may already cover part of this."},
	{key: "telecom-academy", by: "requester.telecom", status: model.ReqReturned,
		title:       "Training centre for telecom security",
		description: "A training centre for the security staff of telecom operators.",
		sector:      telecom, category: training, line: sustain, priority: low,
		eur: 3_500_000, quantity: 1, unit: "training centre", neededIn: 600, tlp: tlpGreen,
		comment: "Please say how the centre will be funded after the first two years and which operators will send staff."},

	// Rejected by the working group.
	{key: "laptops", by: "requester.energy", status: model.ReqRejected,
		title:       "Replacement of all office laptops at the distributor",
		description: "New laptops for every office employee of the distributor.",
		sector:      energy, category: hardware, line: sustain, priority: low,
		eur: 4_500_000, quantity: 3_000, unit: "laptops", neededIn: 365, tlp: tlpAmber,
		comment: "General office equipment is digital development, not cyber capacity-building; please seek other funding."},
	{key: "tactical-comms", by: "requester", status: model.ReqRejected,
		title:       "Tactical communications for territorial defence units",
		description: "Satellite terminals and radios for territorial defence units.",
		sector:      otherSect, category: satcom, line: support, priority: high,
		eur: 2_000_000, quantity: 500, unit: "terminals", neededIn: 30, tlp: tlpAmberStrict,
		comment: "Military capacity-building is outside the mechanism (mission statement, point 9); referred to the military coordination channel."},

	// Withdrawn.
	{key: "scada-consultancy", by: "requester.water", status: model.ReqWithdrawn, withdrawnFrom: model.ReqDraft, withdrawnBy: "requester.water",
		title:       "Temporary SCADA consultancy",
		description: "Short-term consultancy on SCADA configuration, superseded by the restoration project.",
		sector:      water, category: auditing, line: support, priority: medium,
		eur: 90_000, quantity: 20, unit: "consultant days", neededIn: 40, tlp: tlpAmber},
	{key: "kharkiv-firewalls", by: "requester", status: model.ReqWithdrawn, withdrawnFrom: validated, withdrawnBy: "requester",
		title:       "Firewall appliances for Kharkiv regional administration",
		description: "Perimeter firewalls for the regional military administration's civilian IT. Withdrawn: delivered under a bilateral programme.",
		sector:      government, category: hardware, line: support, priority: high,
		eur: 420_000, quantity: 12, unit: "appliances", neededIn: 45, region: "UA-63", tlp: tlpAmber},
	{key: "ticketing-pentest", by: "requester", status: model.ReqWithdrawn, withdrawnFrom: model.ReqSubmitted, withdrawnBy: "validator",
		title:       "Penetration test of the railway ticketing system",
		description: "Penetration test of online ticket sales. Withdrawn by the working group: a duplicate of the railway audit.",
		sector:      transport, category: auditing, line: strengthen, priority: low,
		eur: 120_000, quantity: 1, unit: "test", neededIn: 120, tlp: tlpAmber},
}

type pledgeSpec struct {
	req         string // requirement key; "" for a bilateral report on no particular need
	by          string // donor user
	amount      int64  // whole units of currency
	currency    string
	inKind      string // what is given, for an in-kind pledge
	bilateral   bool
	daysAgo     int // pledge date, before today: recent ones are valued provisionally
	tlp         model.TLP
	named       []string
	status      model.PledgeStatus // proposed, confirmed or withdrawn
	reviewed    bool               // a company's or NGO's pledge the coordinators approved
	reviewNote  string
	description string // for a money pledge, what it pays for
	// Where a bilateral report on no requirement goes, and when.
	to       string // beneficiary organisation key
	sector   model.Sector
	category model.Category
	months   int // length of the period from the pledge date
}

const (
	proposed  = model.PledgeProposed
	confirmed = model.PledgeConfirmed
)

var pledgeSpecs = []pledgeSpec{
	{req: "edr-energy", by: "donor", amount: 12_000_000, currency: "USD", daysAgo: 820, tlp: tlpAmber, status: confirmed,
		description: "Three-year EDR licences and managed detection for distributors in Kyiv oblast."},
	{req: "edr-energy", by: "donor.dk", amount: 75_000_000, currency: "DKK", daysAgo: 610, tlp: tlpAmber, status: confirmed},
	{req: "ir-retainer", by: "donor.uk", amount: 4_000_000, currency: "GBP", daysAgo: 700, tlp: tlpAmber, status: confirmed,
		inKind: "Twelve-month retainer with accredited incident response providers, remote and on-site."},
	// Pledged after the United Kingdom's retainer had been recorded: the
	// deconfliction list shows the requirement over-covered.
	{req: "ir-retainer", by: "donor.eu", amount: 5_000_000, currency: "EUR", daysAgo: 150, tlp: tlpGreen, status: confirmed,
		description: "Surge incident response capacity for CERT-UA."},
	{req: "sat-registries", by: "donor.satcom", amount: 6_000_000, currency: "EUR", daysAgo: 380, tlp: tlpAmber, status: confirmed,
		inKind: "1,000 satellite terminals with 24 months of service, delivered to registry offices.", reviewed: true,
		reviewNote: "Fits line of effort SUPPORT; terminals are civilian and go to registry offices only."},
	{req: "sat-registries", by: "donor.pl", amount: 30_000_000, currency: "PLN", daysAgo: 400, tlp: tlpAmber, status: confirmed},
	{req: "sat-registries", by: "donor.fr", amount: 4_000_000, currency: "EUR", daysAgo: 95, tlp: tlpAmber, status: confirmed},
	{req: "scada-water", by: "donor.de", amount: 3_200_000, currency: "EUR", daysAgo: 240, tlp: tlpAmberStrict, status: confirmed},
	{req: "audit-regulator", by: "donor.fr", amount: 850_000, currency: "EUR", daysAgo: 520, tlp: tlpGreen, status: confirmed,
		inKind: "Audit by a certified French audit provider (PASSI), with a remediation plan."},
	{req: "soc-training", by: "donor.ee", amount: 800_000, currency: "EUR", daysAgo: 900, tlp: tlpClear, status: confirmed,
		inKind: "Analyst courses delivered by the Estonian cyber range team in Tallinn and online."},
	{req: "soc-training", by: "donor.se", amount: 5_000_000, currency: "SEK", daysAgo: 450, tlp: tlpClear, status: confirmed},
	{req: "soc-training", by: "donor.ca", amount: 1_000_000, currency: "CAD", daysAgo: 40, tlp: tlpGreen, status: proposed},
	{req: "fw-telecom", by: "donor.se", amount: 60_000_000, currency: "SEK", daysAgo: 560, tlp: tlpAmber, status: confirmed},
	{req: "fw-telecom", by: "donor.ca", amount: 3_000_000, currency: "CAD", daysAgo: 25, tlp: tlpAmber, status: proposed},
	{req: "backup-dc", by: "donor.eu", amount: 35_000_000, currency: "EUR", daysAgo: 730, tlp: tlpGreen, status: confirmed,
		description: "Construction, equipment and first three years of operation."},
	{req: "backup-dc", by: "donor", amount: 25_000_000, currency: "USD", daysAgo: 480, tlp: tlpAmber, status: confirmed},
	{req: "substations", by: "donor.de", amount: 25_000_000, currency: "EUR", daysAgo: 660, tlp: tlpAmber, status: confirmed},
	{req: "substations", by: "donor.uk", amount: 15_000_000, currency: "GBP", daysAgo: 300, tlp: tlpAmber, status: confirmed},
	{req: "sat-backhaul", by: "donor", amount: 15_000_000, currency: "USD", daysAgo: 960, tlp: tlpAmber, status: confirmed,
		inKind: "800 satellite terminals with service for mobile operators' base stations."},
	{req: "sat-backhaul", by: "donor.pl", amount: 20_000_000, currency: "PLN", daysAgo: 20, tlp: tlpAmber, status: proposed},
	{req: "cyber-range", by: "donor.ee", amount: 4_000_000, currency: "EUR", daysAgo: 340, tlp: tlpGreen, status: confirmed},
	{req: "cyber-range", by: "donor.dk", amount: 15_000_000, currency: "DKK", daysAgo: 200, tlp: tlpGreen, status: confirmed},
	{req: "ehealth-soc", by: "donor.de", amount: 8_000_000, currency: "EUR", daysAgo: 420, tlp: tlpAmber, status: confirmed},
	// The company's offer waits for the coordinators' alignment review.
	{req: "edr-hospitals", by: "donor.company", amount: 1_200_000, currency: "EUR", daysAgo: 12, tlp: tlpGreen, status: proposed,
		inKind: "3,000 EDR licences for two years, with onboarding by our Kyiv team."},
	{req: "ir-banks", by: "donor.uk", amount: 2_000_000, currency: "GBP", daysAgo: 260, tlp: tlpAmberStrict, status: confirmed},
	{req: "rail-audit", by: "donor.fr", amount: 600_000, currency: "EUR", daysAgo: 35, tlp: tlpAmber, status: proposed},
	{req: "ics-water", by: "donor.se", amount: 25_000_000, currency: "SEK", daysAgo: 180, tlp: tlpAmber, status: confirmed},
	{req: "scholarships", by: "donor.eu", amount: 450_000, currency: "EUR", daysAgo: 590, tlp: tlpClear, status: confirmed},
	{req: "ti-platform", by: "donor", amount: 2_000_000, currency: "USD", daysAgo: 360, tlp: tlpAmber, status: confirmed,
		inKind: "Three-year threat intelligence platform licences with commercial feeds."},
	// Withdrawn when France moved the funds to the registries' terminals.
	{req: "treasury", by: "donor.fr", amount: 720_000, currency: "EUR", daysAgo: 130, tlp: tlpAmber, status: model.PledgeWithdrawn},
	{req: "fibre", by: "donor", amount: 14_000_000, currency: "USD", daysAgo: 540, tlp: tlpAmber, status: confirmed},
	{req: "fibre", by: "donor.ca", amount: 10_000_000, currency: "CAD", daysAgo: 280, tlp: tlpAmber, status: confirmed},
	{req: "awareness", by: "donor.ngo", amount: 90_000, currency: "EUR", daysAgo: 60, tlp: tlpClear, status: proposed, reviewed: true,
		inKind:     "Volunteer trainers for 30 workshops in territorial communities.",
		reviewNote: "Aligned with SUSTAIN; complements the members' training offers."},
	{req: "grants", by: "donor.eu", amount: 6_000_000, currency: "EUR", daysAgo: 220, tlp: tlpGreen, status: confirmed},
	{req: "ir-hospital", by: "donor", amount: 1_000_000, currency: "USD", daysAgo: 10, tlp: tlpRed, status: confirmed,
		named: []string{"coordinator", "validator"}},

	// Bilateral assistance, reported for situational awareness.
	{req: "fibre", by: "donor.de", amount: 5_000_000, currency: "EUR", bilateral: true, daysAgo: 500, tlp: tlpAmber, status: confirmed,
		inKind: "Optical transport equipment delivered under Germany's bilateral programme."},
	{by: "donor.uk", amount: 10_000_000, currency: "GBP", bilateral: true, daysAgo: 780, tlp: tlpGreen, status: confirmed,
		to: "ssscip", sector: "government", category: "incident_response", months: 24,
		description: "UK bilateral cyber programme for Ukraine: incident response and protection of critical national infrastructure."},
	{by: "donor", amount: 30_000_000, currency: "USD", bilateral: true, daysAgo: 990, tlp: tlpClear, status: confirmed,
		to: "power", sector: "energy", category: "hardware_software", months: 36,
		description: "Bilateral cyber resilience programme for critical infrastructure operators."},
	{by: "donor.dk", amount: 40_000_000, currency: "DKK", bilateral: true, daysAgo: 160, tlp: tlpGreen, status: proposed,
		to: "power", sector: "energy", category: "edr", months: 12,
		description: "Danish support to the Ukrainian energy sector's cybersecurity, agreed bilaterally."},
}
